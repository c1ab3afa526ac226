"""Online payments: a hosted payment page of a bank or processor and its signed confirmation."""
