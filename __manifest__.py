{
    "name": "CRM Sales Playbook",
    "summary": "Run the sales department by its written rules: lead temperature, deal types, "
    "work status, funnel stages and sales roles",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "license": "LGPL-3",
    "author": "crm_sales_playbook developers",
    "website": "https://example.com/crm_sales_playbook",
    "depends": ["crm", "sale_crm", "calendar", "resource", "sms"],
    "external_dependencies": {"python": ["phonenumbers"]},
    "data": [
        "security/crm_sales_playbook_security.xml",
        "security/ir.model.access.csv",
        "data/utm_source_data.xml",
        "data/crm_stage_data.xml",
        "views/crm_lead_views.xml",
        "views/crm_stage_views.xml",
        "views/crm_team_views.xml",
        "views/utm_source_views.xml",
        "views/menus.xml",
    ],
    "demo": [
        "data/crm_sales_playbook_demo.xml",
    ],
    "post_init_hook": "post_init_hook",
}
