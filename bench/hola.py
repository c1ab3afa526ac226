"""A bare Flask "hello world": the floor bench/portal.py compares the portal against."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hola() -> str:
    """The smallest page Flask can serve."""
    return "hola"
