"""Give the funnel stages of an upgraded database their playbook steps.

The stage data is ``noupdate``: a database installed before 18.0.1.3.0 keeps its stages as they were,
without the step that drives the lead form's next steps. Stages an admin already gave a step keep it.
"""

STEPS = {
    ("crm", "stage_lead2"): "contact",
    ("crm", "stage_lead3"): "proposal",
    ("crm_sales_playbook", "crm_stage_meeting"): "meeting",
    ("crm_sales_playbook", "crm_stage_order"): "order",
}


def migrate(cr, version):
    for (module, name), step in STEPS.items():
        cr.execute(
            """
            UPDATE crm_stage SET playbook_step = %s
              FROM ir_model_data d
             WHERE d.model = 'crm.stage' AND d.module = %s AND d.name = %s AND d.res_id = crm_stage.id
               AND crm_stage.playbook_step IS NULL
            """,
            [step, module, name],
        )
