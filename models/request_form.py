"""The request form (заявка, RC-6) carried by leads and quotations, and printed from either."""

from odoo import api, fields, models

from .playbook_rules import URGENCIES

DELIVERY_METHODS = [("pickup", "Pickup"), ("delivery", "Delivery")]
REQUEST_FIELDS = (
    "playbook_request_volume",
    "playbook_request_date",
    "playbook_urgency",
    "playbook_delivery_method",
    "playbook_delivery_place",
    "playbook_request_conditions",
)


class PlaybookRequestMixin(models.AbstractModel):
    """The fields of the request form and the moment it was filled."""

    _name = "crm.playbook.request.mixin"
    _description = "Request Form"

    # The form's answers are read on the form and the order, never in lists or the kanban: fetched together
    # when one is read, not with every record of a list (the pipeline kanban reads 80 leads at once).
    playbook_request_volume = fields.Char(
        string="Request Volume", prefetch="playbook_request", help="What and how much the client wants."
    )
    playbook_request_date = fields.Date(
        string="Wanted On", prefetch="playbook_request", help="When the client wants it."
    )
    playbook_urgency = fields.Selection(
        URGENCIES,
        string="Urgency",
        help="How urgently the client needs the answer and the goods, asked at intake (ST-16). An urgent request "
        "of a playbook team is hot and its salesperson must call back within minutes.",
    )
    playbook_delivery_method = fields.Selection(
        DELIVERY_METHODS, string="Pickup or Delivery", prefetch="playbook_request"
    )
    playbook_delivery_place = fields.Char(string="Delivery Place", prefetch="playbook_request")
    playbook_request_conditions = fields.Text(string="Additional Conditions", prefetch="playbook_request")
    playbook_request_filled_at = fields.Datetime(
        string="Request Filled At",
        readonly=True,
        copy=False,
        prefetch="playbook_request",
        help="When the request form was first filled in.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if any(vals.get(name) for name in REQUEST_FIELDS) and not vals.get("playbook_request_filled_at"):
                vals["playbook_request_filled_at"] = fields.Datetime.now()
        return super().create(vals_list)

    def write(self, vals):
        if any(vals.get(name) for name in REQUEST_FIELDS):
            self.filtered(lambda record: not record.playbook_request_filled_at).with_context(
                tracking_disable=True
            ).write({"playbook_request_filled_at": fields.Datetime.now()})
        return super().write(vals)

    def _playbook_request_values(self):
        """What the printed request form shows; the models fill what the form fields leave open."""
        self.ensure_one()
        method = dict(self._fields["playbook_delivery_method"]._description_selection(self.env))
        return {
            "volume": self.playbook_request_volume,
            "wanted_on": self.playbook_request_date,
            "method": method.get(self.playbook_delivery_method, ""),
            "place": self.playbook_delivery_place,
            "conditions": self.playbook_request_conditions,
            "filled_at": self.playbook_request_filled_at or self.create_date,
        }


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "crm.playbook.request.mixin"]

    def _playbook_request_values(self):
        values = super()._playbook_request_values()
        client = self.partner_id.commercial_partner_id
        values.update(
            {
                "title": self.name,
                "date": self.date_open or self.create_date,
                "manager": self.user_id.name,
                "company": client.name if client.is_company else self.partner_name or client.name,
                "contact": self.contact_name or (self.partner_id.name if not self.partner_id.is_company else ""),
                "phone": self.phone or self.partner_id.phone,
                "email": self.email_from,
            }
        )
        return values

    def _prepare_opportunity_quotation_context(self):
        """A quotation made from the lead starts with the lead's request form."""
        context = super()._prepare_opportunity_quotation_context()
        for name in REQUEST_FIELDS:
            if self[name]:
                context["default_" + name] = self[name]
        return context

    def action_print_request_form(self):
        return self.env.ref("crm_sales_playbook.action_report_request_lead").report_action(self)


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "crm.playbook.request.mixin"]

    def _playbook_request_values(self):
        values = super()._playbook_request_values()
        client = self.partner_id.commercial_partner_id
        if not values["volume"]:
            values["volume"] = "; ".join(
                "%s: %s %s" % (line.product_id.display_name, line.product_uom_qty, line.product_uom.name)
                for line in self.order_line
                if line.product_id and not line.display_type
            )
        values.update(
            {
                "title": self.name,
                "date": self.date_order,
                "manager": self.user_id.name,
                "company": client.name,
                "contact": self.partner_id.name if self.partner_id != client else "",
                "phone": self.partner_id.phone or client.phone,
                "email": self.partner_id.email or client.email,
                "wanted_on": values["wanted_on"]
                or (self.commitment_date and fields.Datetime.context_timestamp(self, self.commitment_date).date()),
                "place": values["place"]
                or (self.playbook_delivery_method != "pickup" and self.partner_shipping_id.contact_address_inline),
                "conditions": values["conditions"] or self.note,
            }
        )
        return values

    def action_print_request_form(self):
        return self.env.ref("crm_sales_playbook.action_report_request_order").report_action(self)
