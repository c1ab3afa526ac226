"""*Pagos en línea*: the customer's side (`pagos`) and the provider's side (`pasarela`)."""
