"""Flask extensions, created unbound and initialised in the factory (no global app)."""

from __future__ import annotations

from flask_bootstrap import Bootstrap5
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from casos.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate(compare_type=True, render_as_batch=True)
csrf = CSRFProtect()
bootstrap = Bootstrap5()
