"""Agency registry endpoints (read-only)."""

from flask.views import MethodView

from api.blueprint import ApiBlueprint
from api.schemas.agencies import AgencyListArgs, AgencyPageSchema, AgencySchema
from tracker.agencies.service import get_agency, list_agencies

blp = ApiBlueprint("agencies", __name__, url_prefix="/agencies", description="The agency registry.")


@blp.route("")
class Agencies(MethodView):
    """The registry."""

    @blp.arguments(AgencyListArgs, location="query")
    @blp.response(200, AgencyPageSchema)
    @blp.errors(422)
    def get(self, args):
        """List agencies, filtered by kind, words of a name, or whether they still exist."""
        page, size = args.pop("page"), args.pop("page_size")
        items, total = list_agencies(
            args.get("kind"), args.get("q"), args.get("current"), page, size
        )
        return {"items": items, "total": total, "page": page, "page_size": size}


@blp.route("/<string:code>")
class AgencyByCode(MethodView):
    """One agency."""

    @blp.response(200, AgencySchema)
    @blp.errors(404)
    def get(self, code):
        """Get an agency by its code."""
        return get_agency(code)
