"""Customer accounts of the Oficina Virtual: registration against the commercial records,
activation, sign-in, linked contracts, blocks (rules 7–8), cancellation (rule 6) and ARCO.

Plain Python over SQLAlchemy; the web face lives in app/cuentas.
"""
