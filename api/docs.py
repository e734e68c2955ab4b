"""Serve the Swagger UI files from the installed package, so the docs page needs no internet."""

from pathlib import Path

from flask import Blueprint, send_from_directory
from swagger_ui_bundle import swagger_ui_path

STATIC_URL = "/api/v1/docs/static/"
OWN_FILES = Path(__file__).parent / "static" / "docs"
START_SCRIPT = "tracker-docs.js"

docs_static = Blueprint("docs_static", __name__)


@docs_static.route(STATIC_URL + "<path:filename>")
def swagger_file(filename: str):
    """Return one file of the vendored Swagger UI, or our script that starts it."""
    folder = OWN_FILES if filename == START_SCRIPT else swagger_ui_path
    return send_from_directory(folder, filename, max_age=86400)
