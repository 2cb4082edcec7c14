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
