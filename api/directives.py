"""Directive endpoints."""

from flask.views import MethodView

from api import examples as ex
from api.blueprint import ApiBlueprint, current_user
from api.schemas.directives import (
    DirectiveCreateSchema,
    DirectiveDetailSchema,
    DirectiveListArgs,
    DirectivePageSchema,
    DirectiveUpdateSchema,
)
from tracker.clock import current_clock
from tracker.directives import service
from tracker.permissions import authorize_manage_directives

blp = ApiBlueprint(
    "directives",
    __name__,
    url_prefix="/directives",
    description="Conclusion notices and other directives.",
)


@blp.route("")
class Directives(MethodView):
    """The directives."""

    @blp.arguments(DirectiveListArgs, location="query")
    @blp.response(200, DirectivePageSchema)
    @blp.errors(422)
    def get(self, args):
        """List directives, newest first."""
        page, size = args["page"], args["page_size"]
        items, total = service.list_directives(
            args.get("q"), args.get("issued_from"), args.get("issued_to"), page, size
        )
        return {"items": items, "total": total, "page": page, "page_size": size}

    @blp.arguments(DirectiveCreateSchema, example=ex.DIRECTIVE_CREATE)
    @blp.response(201, DirectiveDetailSchema)
    @blp.errors(403, 409, 422)
    def post(self, data):
        """Create a directive (office, admin)."""
        authorize_manage_directives(current_user())
        return service.create_directive(
            service.DirectiveInput(**data), current_user(), current_clock().now()
        )


@blp.route("/<id:directive_id>")
class DirectiveById(MethodView):
    """One directive."""

    @blp.response(200, DirectiveDetailSchema)
    @blp.errors(404)
    def get(self, directive_id):
        """Get a directive with its source text."""
        return service.get_directive(directive_id)

    @blp.arguments(DirectiveUpdateSchema)
    @blp.response(200, DirectiveDetailSchema)
    @blp.errors(403, 404, 409, 422)
    def patch(self, changes, directive_id):
        """Change a directive (office, admin)."""
        authorize_manage_directives(current_user())
        directive = service.get_directive(directive_id)
        return service.update_directive(directive, changes, current_clock().now())

    @blp.response(204)
    @blp.errors(403, 404, 409)
    def delete(self, directive_id):
        """Delete a directive that has no tasks (office, admin)."""
        authorize_manage_directives(current_user())
        service.delete_directive(service.get_directive(directive_id))
