"""Extensions, created unbound and initialised by the application factory."""

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

from tracker.db import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
