/** @odoo-module **/
/* The main flow of the sales playbook as its users meet it (X-CFG, issue 11): the operator registers a
   call, the salesperson works the hot lead from the kanban to a sent proposal, the sales head reads the
   response deadlines. Steps named "screenshot:<name>" ask the test for a screenshot of the page. */
import { registry } from "@web/core/registry";

const REQUEST = "How much is online reporting for 20 users?";

function screenshot(name) {
    return {
        content: `screenshot ${name}`,
        trigger: "body",
        async run() {
            console.log(`playbook-screenshot:${name}`);
            await new Promise((resolve) => setTimeout(resolve, 700));
        },
    };
}

function pickMany2one(field, text) {
    return [
        { trigger: `.o_field_widget[name=${field}] input`, run: `edit ${text}` },
        { trigger: `.o-autocomplete--dropdown-item a:contains(${text})`, run: "click" },
    ];
}

registry.category("web_tour.tours").add("crm_sales_playbook_operator_tour", {
    steps: () => [
        { trigger: ".o_main_navbar button:contains(Inbound Desk)", run: "click" },
        { trigger: ".dropdown-item:contains(Register Call)", run: "click" },
        { trigger: ".modal .o_field_widget[name=caller_name] input", run: "edit Ivan Petrov" },
        { trigger: ".modal .o_field_widget[name=company_name] input", run: "edit Uralmash JSC" },
        { trigger: ".modal .o_field_widget[name=phone] input", run: "edit +7 912 604-18-37" },
        { trigger: ".modal .o_field_widget[name=email] input", run: "edit ivan.petrov@uralmash.example.com" },
        ...pickMany2one("source_id", "Connection request"),
        ...pickMany2one("team_id", "Tour Team"),
        ...pickMany2one("transferred_to_id", "Tour Seller"),
        { trigger: ".modal .o_field_widget[name=question] textarea", run: `edit ${REQUEST}` },
        screenshot("register_call"),
        { trigger: ".modal button[name=action_register]", run: "click" },
        { trigger: `.o_form_view .o_field_widget[name=name]:contains(${REQUEST}), .o_form_view .o_field_widget[name=name] textarea` },
        { content: "the lead is hot", trigger: ".o_form_view .o_field_widget[name=temperature]" },
    ],
});

registry.category("web_tour.tours").add("crm_sales_playbook_salesperson_tour", {
    steps: () => [
        {
            content: "the hot lead has its red badge",
            trigger: `.o_kanban_record:contains(${REQUEST}) .o_field_widget[name=temperature] .text-bg-danger`,

        },
        {
            content: "and its countdown",
            trigger: `.o_kanban_record:contains(${REQUEST}) .o_field_widget[name=sla_remaining] .badge:contains(left)`,

        },
        screenshot("kanban"),
        { trigger: `.o_kanban_record:contains(${REQUEST})`, run: "click" },
        { content: "every lead has a type", trigger: ".o_form_view .o_field_widget[name=deal_type] select", run: "selectByLabel Service" },
        { trigger: ".o_form_view button[name=action_open_log_call]", run: "click" },
        { trigger: ".modal .o_field_widget[name=result] select", run: "selectByLabel Reached" },
        { trigger: ".modal .o_field_widget[name=notes] textarea", run: "edit Needs 20 users from January." },
        { trigger: ".modal button[name=action_log_call]", run: "click" },
        { trigger: "body:not(:has(.modal))" },
        {
            content: "the reached call took the lead into work",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Contact)",
        },
        { trigger: ".o_form_view button[name=action_open_proposal]", run: "click" },
        {
            content: "attach the offer",
            trigger: ".o_field_widget[name=attachment_ids] input[type=file]:not(:visible)",
            async run() {
                const file = new File(["%PDF-1.4 offer"], "offer.pdf", { type: "application/pdf" });
                const transfer = new DataTransfer();
                transfer.items.add(file);
                this.anchor.files = transfer.files;
                this.anchor.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        { trigger: ".o_field_widget[name=attachment_ids] .o_attachment:contains(offer)" },
        { trigger: ".o_form_view button[name=action_send]", run: "click" },
        { trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Sent)" },
        { trigger: ".breadcrumb-item a:contains(How much)", run: "click" },
        { trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Proposal)" },
        screenshot("lead_form"),
    ],
});

registry.category("web_tour.tours").add("crm_sales_playbook_head_tour", {
    steps: () => [
        { trigger: ".o_pivot, .o_graph_renderer" },
        { trigger: ".o_pivot_header_cell_closed, .o_pivot_header_cell_opened, .o_graph_canvas_container" },
        screenshot("sla_report"),
    ],
});

registry.category("web_tour.tours").add("crm_sales_playbook_claim_tour", {
    steps: () => [
        { trigger: ".o_form_view .o_field_widget[name=essence]" },
        { trigger: ".o_form_view .o_field_widget[name=notice_remaining] .badge" },
        screenshot("claim_form"),
    ],
});
