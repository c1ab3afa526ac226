"""The customer account pages: registration (registro), sign-in (acceso), my account (cuenta)."""
