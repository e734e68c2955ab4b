"""Serve the Swagger UI files from the installed package, so the docs page needs no internet."""

from flask import Blueprint, send_from_directory
from swagger_ui_bundle import swagger_ui_path

STATIC_URL = "/api/v1/docs/static/"

docs_static = Blueprint("docs_static", __name__)


@docs_static.route(STATIC_URL + "<path:filename>")
def swagger_file(filename: str):
    """Return one file of the vendored Swagger UI."""
    return send_from_directory(swagger_ui_path, filename, max_age=86400)
