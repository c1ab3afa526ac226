"""Commercial data owned by the utility's billing system: contracts, bills, readings, payments.

We import it (casos.comercial.importacion) or generate it for demos (casos.comercial.generador);
the portal reads it and the accounts domain proves identity against it.
"""
