from odoo import fields, models


class CrmComplaintCategory(models.Model):
    """What a complaint is about, for the management report (ST-9)."""

    _name = "crm.complaint.category"
    _description = "Complaint Category"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)

    _sql_constraints = [("name_uniq", "unique(name)", "A complaint category with this name exists already.")]
