"""Extensions, created unbound and initialised by the application factory."""

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

from tracker.db import Base

# Flask-SQLAlchemy 3 takes session options here (an app config key for them is ignored).
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate()
