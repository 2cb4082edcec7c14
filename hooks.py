from markupsafe import Markup

from odoo.tools.translate import TranslationImporter, get_po_paths

from .models.crm_stage import po_stage_names


def link_invoices_to_leads(cr):
    """Give the customer invoices already posted the lead of the orders they bill, and its channel.

    The sales head's report counts invoices by the origin of their lead (ST-12); invoices posted
    before the addon was installed or upgraded would otherwise count as "Other".
    """
    cr.execute(
        """
        UPDATE account_move move
           SET playbook_lead_id = linked.lead_id
          FROM (SELECT line.move_id, min(sale_order.opportunity_id) AS lead_id
                  FROM account_move_line line
                  JOIN sale_order_line_invoice_rel rel ON rel.invoice_line_id = line.id
                  JOIN sale_order_line ON sale_order_line.id = rel.order_line_id
                  JOIN sale_order ON sale_order.id = sale_order_line.order_id
                 WHERE sale_order.opportunity_id IS NOT NULL
                 GROUP BY line.move_id) linked
         WHERE linked.move_id = move.id AND move.playbook_lead_id IS NULL
           AND move.move_type IN ('out_invoice', 'out_refund') AND move.state = 'posted'
        """
    )
    cr.execute(
        """
        UPDATE account_move move SET playbook_channel = lead.channel
          FROM crm_lead lead
         WHERE lead.id = move.playbook_lead_id AND move.playbook_channel IS DISTINCT FROM lead.channel
        """
    )


def post_init_hook(env):
    """Give the leads that existed before the install their playbook dates.

    Computing the new fields at install time would date every open lead "now";
    the best record of the past is Odoo's own assignment and stage-change dates.
    Leads created during the install (demo data) keep what they got.
    """
    env.cr.execute(
        """
        UPDATE crm_lead
           SET date_received = COALESCE(date_open, create_date)
         WHERE team_id IS NOT NULL AND create_date < NOW()
        """
    )
    env.cr.execute(
        """
        UPDATE crm_lead
           SET date_in_work = COALESCE(date_last_stage_update, date_open, create_date)
         WHERE date_in_work IS NOT NULL AND create_date < NOW()
        """
    )
    # The teams already know the leads they had before the install: no alert or digest for them.
    env.cr.execute("UPDATE crm_lead SET playbook_announced = TRUE WHERE create_date < NOW()")
    env["crm.lead"].invalidate_model(["date_received", "date_in_work", "playbook_announced"])
    link_invoices_to_leads(env.cr)
    env["account.move"].invalidate_model(["playbook_lead_id", "playbook_channel"])
    # The funnel counts the stages each lead reached: the leads from before the install get theirs (PP-1).
    env["crm.lead.stage.history"]._playbook_fill_from_leads()


MODULE = "crm_sales_playbook"
# Odoo's stages the addon renames (data/crm_stage_data.xml): the addon's name and Odoo's own.
RENAMED_STAGES = {
    "crm.stage_lead2": ("Contact", "Qualified"),
    "crm.stage_lead3": ("Proposal", "Proposition"),
}
# Odoo's stages the addon names in other languages only (New and Won keep their English name).
TRANSLATED_STAGES = ("crm.stage_lead1", "crm.stage_lead4")
# Odoo's activity type that takes over the open activities of each category of the addon's types.
ACTIVITY_TYPE_BY_CATEGORY = {"phonecall": "mail.mail_activity_data_call"}
DEFAULT_ACTIVITY_TYPE = "mail.mail_activity_data_todo"


def uninstall_hook(env):
    """Leave Odoo's CRM as Odoo ships it, with every lead and open activity still there.

    Uninstalling deletes the records the addon created; without this hook some of them cannot go,
    and Odoo logs an ERROR for each refused deletion and leaves the record behind:

    - the addon's stages Meeting and Order: ``crm.lead.stage_id`` is ``ondelete="restrict"``, so
      any lead in them keeps them. Their leads move to the nearest stage Odoo keeps (Proposition
      in Odoo's funnel); see ``_move_leads_off_own_stages``;
    - the addon's activity types: ``mail.activity.activity_type_id`` is ``ondelete="restrict"``.
      Open activities of these types get Odoo's Call or To-Do type (``_retype_own_activities``);
    - the addon's response deadline policies: see ``_release_sla_policies``.

    First, Odoo's stages renamed by the addon get Odoo's names back (``_restore_renamed_stages``),
    so that the leads' chatter names the stage they move to as it will stay.
    """
    _restore_renamed_stages(env)
    _move_leads_off_own_stages(env)
    _retype_own_activities(env)
    _release_sla_policies(env)


def _own_records(env, model):
    """The records of ``model`` the addon created from its data files (they go with the addon)."""
    data = env["ir.model.data"].search([("module", "=", MODULE), ("model", "=", model)])
    return env[model].browse(data.mapped("res_id")).exists()


def _move_leads_off_own_stages(env):
    """Move the leads of the addon's stages to the nearest stage that stays, before the stages go.

    Keeping the stages (dropping their external ids) would keep the funnel as it was, but a later
    install of the addon would then create a second Meeting and a second Order. The nearest stage is
    the last one before the removed stage in the funnel (by sequence) that is not a won stage and
    that the lead's team sees: Proposition, in Odoo's own funnel, for Meeting and Order. Won
    stages are never chosen: an order is not a won deal. When nothing comes before, the first such
    stage of the funnel is used.

    The move is a remapping, not a sales step: it is written in SQL, so the playbook's rules and
    Odoo's stage-change bookkeeping (the date of the last stage change, the closing date of lost
    leads) leave the leads as they were; the stored fields that depend on the stage (Odoo's
    predicted probability) are recomputed, and each lead's chatter says where it went and why.
    Lost (archived) leads move too: the foreign key holds for them as well.
    """
    own = _own_records(env, "crm.stage")
    if not own:
        return
    Lead = env["crm.lead"].with_context(active_test=False)
    leads = Lead.search([("stage_id", "in", own.ids)])
    if not leads:
        return
    kept = env["crm.stage"].search([("id", "not in", own.ids), ("is_won", "=", False)])
    bodies = {}
    for (stage, team), group in leads.grouped(lambda lead: (lead.stage_id, lead.team_id)).items():
        target = _nearest_stage(stage, team, kept)
        if not target:
            continue  # no open stage left at all: Odoo keeps the stage (and says so in its log)
        env.cr.execute("UPDATE crm_lead SET stage_id = %s WHERE id IN %s", [target.id, tuple(group.ids)])
        for lead in group:
            bodies[lead.id] = Markup("<p>%s</p>") % env._(
                "Stage %(old)s was removed with the Sales Playbook addon: the lead moves to %(new)s.",
                old=stage.name,
                new=target.name,
            )
    moved = Lead.browse(list(bodies))
    moved.invalidate_recordset(["stage_id"])
    moved.modified(["stage_id"])
    moved._message_log_batch(bodies=bodies)
    env.flush_all()


def _nearest_stage(stage, team, kept):
    """The last stage of ``kept`` before ``stage`` in the funnel seen by ``team``, else its first one."""
    visible = kept.filtered(lambda candidate: not candidate.team_id or candidate.team_id == team) or kept
    ordered = visible.sorted(lambda candidate: (candidate.sequence, candidate.id))
    before = ordered.filtered(lambda candidate: (candidate.sequence, candidate.id) < (stage.sequence, stage.id))
    return before[-1:] or ordered[:1]


def _restore_renamed_stages(env):
    """Give Odoo's stages renamed by the addon their Odoo names back, in every installed language.

    Only a stage still named as the addon named it is restored: a name an admin chose stays. The
    English name is reset and the other languages are read again from crm's own translation files.
    """
    restored = []
    for xmlid, (ours, odoos) in RENAMED_STAGES.items():
        stage = env.ref(xmlid, raise_if_not_found=False)
        if stage and stage.with_context(lang="en_US").name == ours:
            env.cr.execute(
                "UPDATE crm_stage SET name = jsonb_build_object('en_US', %s) WHERE id = %s", [odoos, stage.id]
            )
            restored.append(xmlid)
    langs = [lang for lang, _name in env["res.lang"].get_installed() if lang != "en_US"]
    for xmlid in TRANSLATED_STAGES:
        stage = env.ref(xmlid, raise_if_not_found=False)
        if stage and any(_still_named_by_the_addon(stage, xmlid, lang) for lang in langs):
            restored.append(xmlid)
    if not restored:
        return
    env["crm.stage"].invalidate_model(["name"])
    importer = TranslationImporter(env.cr, verbose=False)
    for lang, _name in env["res.lang"].get_installed():
        if lang == "en_US":
            continue
        for path in get_po_paths("crm", lang):
            importer.load_file(path, lang, xmlids=set(restored))
    importer.save(force_overwrite=True)
    env["crm.stage"].invalidate_model(["name"])


def _still_named_by_the_addon(stage, xmlid, lang):
    """Whether ``stage`` reads in ``lang`` as the addon's translation file names it (e.g. «Новая», «Завершена»)."""
    english = stage.with_context(lang="en_US").name
    return stage.with_context(lang=lang).name == po_stage_names(MODULE, lang).get((xmlid, english))


def _retype_own_activities(env):
    """Give what uses the addon's activity types one of Odoo's types, before the types go.

    A planned consultation stays on the salesperson's list as a To-Do (a call type as a Call), its
    summary naming the addon's type when it had none. Activities of the addon's own records (quality
    calls) are retyped too and then go with their records' model. The steps of activity plans and
    the next activity triggered by another type, where an admin chose one of the addon's types, get
    the same Odoo type (both references are ``ondelete="restrict"`` too).
    """
    own = _own_records(env, "mail.activity.type")
    if not own:
        return

    def odoo_type(activity_type):
        return env.ref(ACTIVITY_TYPE_BY_CATEGORY.get(activity_type.category, DEFAULT_ACTIVITY_TYPE))

    activities = env["mail.activity"].with_context(active_test=False).search([("activity_type_id", "in", own.ids)])
    for activity_type, group in activities.grouped("activity_type_id").items():
        group.filtered(lambda activity: not activity.summary).write({"summary": activity_type.name})
        group.write({"activity_type_id": odoo_type(activity_type).id})
    steps = env["mail.activity.plan.template"].search([("activity_type_id", "in", own.ids)])
    for step in steps:
        step.write(
            {
                "activity_type_id": odoo_type(step.activity_type_id).id,
                "summary": step.summary or step.activity_type_id.name,
            }
        )
    triggering = (
        env["mail.activity.type"]
        .with_context(active_test=False)
        .search([("id", "not in", own.ids), ("triggered_next_type_id", "in", own.ids)])
    )
    for activity_type in triggering:
        activity_type.triggered_next_type_id = odoo_type(activity_type.triggered_next_type_id)


def _release_sla_policies(env):
    """Let the addon's response deadline policies go with their table, as the policies admins created do.

    Deleting them one by one, as Odoo does with the addon's records, runs the policies' ``unlink``,
    which recomputes the deadline of every lead still waiting for a first contact: work thrown away a
    moment later, when the deadline fields are dropped (and in 18.0.1.5.0 that ``unlink`` fails: it
    reads the company of the policies it has just deleted). Their external ids are removed, so the
    policies are dropped with the model's table, and their chatter with the model.
    """
    env.cr.execute("DELETE FROM ir_model_data WHERE module = %s AND model = 'crm.sla.policy'", [MODULE])
