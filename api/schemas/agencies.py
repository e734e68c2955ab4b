"""Agency schemas."""

from marshmallow import fields, validate

from api.schemas.common import OutSchema, PageArgs, Text, page_of
from tracker.agencies.data import AGENCY_KINDS


class AgencyRefSchema(OutSchema):
    """An agency as referred to from other resources."""

    code = fields.String(required=True, metadata={"example": "MOF"})
    name = fields.String(required=True, metadata={"example": "Bộ Tài chính"})


class AgencySchema(OutSchema):
    """An agency of the registry."""

    code = fields.String(required=True)
    name = fields.String(required=True)
    short_name = fields.String(required=True)
    name_en = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(AGENCY_KINDS))
    abbreviations = fields.List(fields.String(), required=True)
    successor = fields.Function(
        lambda agency: agency.successor.code if agency.successor else None,
        allow_none=True,
        metadata={"type": "string", "nullable": True, "example": None},
    )
    valid_until = fields.Date(allow_none=True)


class AgencyListArgs(PageArgs):
    """Filters of the agency list."""

    kind = fields.String(validate=validate.OneOf(AGENCY_KINDS))
    q = Text(100, metadata={"description": "Words of a name or abbreviation; accents optional."})
    current = fields.Boolean(
        metadata={"description": "Only agencies that still exist (or only merged ones)."}
    )


AgencyPageSchema = page_of(AgencySchema, "AgencyPage")
