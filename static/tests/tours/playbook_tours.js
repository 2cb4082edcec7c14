/** @odoo-module **/
/* Each role's day with the sales playbook, as its users meet it (issue 20): the operator lands on the inbound desk
   and registers a call; the salesperson finds the hot lead in the pipeline, logs the call and sends the proposal,
   and is told each time what comes next; the sales head reads the Reporting menu, the response deadlines and the
   dashboard; legal lands on the claims to review; sales support meets a blocked lead and a Connection lead that
   only its client's payment can win.

   The same tours run in English and in Russian: tests/test_tour.py writes what each language shows (stage names,
   glossary terms, hints) and the records' names into sessionStorage["crm_sales_playbook_tour"] before it starts a
   tour. Steps named "screenshot <name>" ask the test for a screenshot of the page, <name>_<language>.png. */
import { registry } from "@web/core/registry";

const KEY = "crm_sales_playbook_tour";

function texts() {
    const stored = sessionStorage.getItem(KEY);
    if (!stored) {
        throw new Error(`The test gives the tour its texts in sessionStorage["${KEY}"]`);
    }
    return JSON.parse(stored);
}

function screenshot(name) {
    return {
        content: `screenshot ${name}`,
        trigger: "body",
        async run() {
            console.log(`playbook-screenshot:${name}_${texts().suffix}`);
            await new Promise((resolve) => setTimeout(resolve, 700));
        },
    };
}

/* A step that waits until ``problem()`` returns nothing (at most 8 s), else fails with what it returned. */
function check(content, trigger, problem) {
    return {
        content,
        trigger,
        async run() {
            const until = Date.now() + 8000;
            let found = problem();
            while (found && Date.now() < until) {
                await new Promise((resolve) => setTimeout(resolve, 200));
                found = problem();
            }
            if (found) {
                throw new Error(`${content}: ${found}`);
            }
        },
    };
}

function pickMany2one(field, text) {
    return [
        { trigger: `.modal .o_field_widget[name=${field}] input`, run: `edit ${text}` },
        { trigger: `.o-autocomplete--dropdown-item a:contains(${text})`, run: "click" },
    ];
}

/* A notification titled ``title`` whose text holds each of ``parts`` (read as text: the parts hold commas,
   quotes and parentheses that a selector would not keep). */
function notification(content, title, ...parts) {
    return check(content, `.o_notification .o_notification_title:contains(${title})`, () => {
        const texts = [...document.querySelectorAll(".o_notification")]
            .filter((shown) => shown.querySelector(".o_notification_title")?.textContent.includes(title))
            .map((shown) => shown.querySelector(".o_notification_content")?.textContent || "");
        return texts.some((text) => parts.every((part) => text.includes(part)))
            ? ""
            : `notifications ${JSON.stringify(texts)}, expected ${JSON.stringify(parts)}`;
    });
}

/* The form's stage bar shows ``stage`` as the current stage (a narrow header folds the bar into a dropdown that
   names the current stage: both read the same). */
function currentStage(content, stage) {
    return check(content, "body:not(:has(.modal)) .o_form_view .o_statusbar_status", () => {
        const bar = document.querySelector(".o_form_view .o_statusbar_status");
        const current = bar?.querySelector(".o_arrow_button_current");
        const label = (current || bar?.querySelector(".dropdown-toggle:not(.o_arrow_button)"))?.textContent.trim();
        // The bar may add the time spent at the stage after its name ("Contact1m").
        return label?.startsWith(stage) ? "" : `the current stage reads "${label}", not "${stage}"`;
    });
}

const WON = "button[name=action_set_won_rainbowman]";
const LOST = "button[data-hotkey=l]";

registry.category("web_tour.tours").add("crm_sales_playbook_operator_tour", {
    steps: () => {
        const t = texts();
        return [
            {
                content: "the operator lands on the inbound desk, with the calls registered today",
                trigger: `.o_breadcrumb:contains(${t.desk})`,
            },
            { trigger: `body:not(:has(.o_view_sample_data)) .o_list_view .o_data_row:contains(${t.desk_caller})` },
            screenshot("operator_desk"),
            {
                content: "the desk registers the next call from its list",
                trigger: `.o_control_panel button:contains(${t.register_call})`,
                run: "click",
            },
            { trigger: `.modal .modal-title:contains(${t.register_call})` },
            { trigger: ".modal .o_field_widget[name=caller_name] input", run: `edit ${t.caller}` },
            { trigger: ".modal .o_field_widget[name=company_name] input", run: `edit ${t.company}` },
            { trigger: ".modal .o_field_widget[name=phone] input", run: `edit ${t.phone}` },
            { trigger: ".modal .o_field_widget[name=email] input", run: `edit ${t.email}` },
            ...pickMany2one("source_id", t.source),
            ...pickMany2one("team_id", t.team),
            ...pickMany2one("transferred_to_id", t.seller),
            { trigger: ".modal .o_field_widget[name=question] textarea", run: `edit ${t.request}` },
            screenshot("register_call"),
            { trigger: ".modal button[name=action_register]", run: "click" },
            { trigger: `.o_form_view .o_field_widget[name=name] textarea` },
            {
                content: "the request became a hot lead, at the first stage",
                trigger: `.o_form_view .o_field_widget[name=temperature]:contains(${t.hot})`,
            },
            currentStage("the lead is at the first stage", t.stages[0]),
        ];
    },
});

registry.category("web_tour.tours").add("crm_sales_playbook_salesperson_tour", {
    steps: () => {
        const t = texts();
        const card = `.o_kanban_record:contains(${t.request})`;
        return [
            { trigger: `.o_kanban_group ${card}` },
            check("the pipeline's columns are the playbook's stages", ".o_kanban_renderer", () => {
                const titles = [...document.querySelectorAll(".o_kanban_group .o_column_title")].map((title) =>
                    (title.querySelector(".text-truncate") || title).textContent.trim()
                );
                const wrong = t.stages.filter((stage, index) => !(titles[index] || "").startsWith(stage));
                return wrong.length ? `columns ${JSON.stringify(titles)}, expected ${JSON.stringify(t.stages)}` : "";
            }),
            check("each column counts its leads (no revenue sum)", ".o_kanban_group .o_kanban_counter", () => {
                const wrong = [];
                for (const group of document.querySelectorAll(".o_kanban_group:not(.o_column_folded)")) {
                    const counter = group.querySelector(".o_kanban_counter .o_animated_number");
                    const cards = group.querySelectorAll(".o_kanban_record").length;
                    if (!counter || counter.textContent.trim() !== String(cards)) {
                        wrong.push(`${group.querySelector(".o_column_title")?.textContent.trim()}: ` +
                            `${counter?.textContent.trim()} for ${cards} leads`);
                    }
                }
                return wrong.join("; ");
            }),
            {
                content: "the bar over the column shows its hot leads in red",
                trigger: `.o_kanban_group:has(${card}) .o_column_progress .progress-bar.bg-danger`,
            },
            {
                content: "the hot lead has its red badge",
                trigger: `${card} .o_field_widget[name=temperature] .text-bg-danger`,
            },
            {
                content: "and its countdown",
                trigger: `${card} .o_field_widget[name=sla_remaining] .badge:contains(${t.left})`,
            },
            screenshot("pipeline_kanban"),
            { trigger: card, run: "click" },
            {
                content: "every lead has a type",
                trigger: ".o_form_view .o_field_widget[name=deal_type] select",
                run: `selectByLabel ${t.service}`,
            },
            {
                content: "the response deadline is named as the glossary names it",
                trigger: `.o_form_view .o_form_label:contains(${t.response_deadline})`,
            },
            {
                trigger: `.o_form_view button[name=action_open_log_call]:contains(${t.log_call})`,
                run: "click",
            },
            { trigger: ".modal .o_field_widget[name=result] select", run: `selectByLabel ${t.reached}` },
            { trigger: ".modal .o_field_widget[name=notes] textarea", run: `edit ${t.notes}` },
            { trigger: ".modal button[name=action_log_call]", run: "click" },
            notification("the notification names the stage and the next step", t.call_logged, t.call_hint),
            currentStage("the reached call took the lead into work", t.stages[1]),
            {
                content: "Won reads as the playbook names the last stage",
                trigger: `.o_form_view .o_form_statusbar ${WON}:contains(${t.stages[5]})`,
            },
            screenshot("next_step"),
            { trigger: ".o_form_view button[name=action_open_proposal]", run: "click" },
            {
                content: "the proposal opens in a dialog with the letter ready",
                trigger: `.modal .o_field_widget[name=body]:contains(${t.letter})`,
            },
            check("the subject names the offer, not the lead's title", ".modal .o_field_widget[name=name] input", () => {
                const subject = document.querySelector(".modal .o_field_widget[name=name] input")?.value || "";
                return subject.startsWith(t.subject) && !subject.includes(t.request) ? "" : `subject "${subject}"`;
            }),
            {
                content: "attach the offer",
                trigger: ".modal .o_field_widget[name=attachment_ids] input[type=file]:not(:visible)",
                async run() {
                    const file = new File(["%PDF-1.4 offer"], "offer.pdf", { type: "application/pdf" });
                    const transfer = new DataTransfer();
                    transfer.items.add(file);
                    this.anchor.files = transfer.files;
                    this.anchor.dispatchEvent(new Event("change", { bubbles: true }));
                },
            },
            { trigger: ".modal .o_field_widget[name=attachment_ids] .o_attachment:contains(offer)" },
            screenshot("proposal_dialog"),
            { trigger: ".modal button[name=action_send]", run: "click" },
            notification("sending says what went to whom, and what comes next", t.proposal_sent, t.email,
                "offer.pdf", t.proposal_hint),
            currentStage("the sent proposal moved the lead to its stage", t.stages[2]),
            screenshot("proposal_sent"),
        ];
    },
});

registry.category("web_tour.tours").add("crm_sales_playbook_head_tour", {
    steps: () => {
        const t = texts();
        return [
            {
                content: "the sales head's pipeline holds his leads, not Odoo's sample",
                trigger: "body:not(:has(.o_view_sample_data)) .o_kanban_view .o_kanban_record",
            },
            { trigger: '.o_main_navbar [data-menu-xmlid="crm.crm_menu_report"]', run: "click" },
            {
                content: "Reporting groups the playbook's reports into Analysis and Daily Work",
                trigger: `.dropdown-menu .dropdown-header:contains(${t.analysis})`,
            },
            { trigger: `.dropdown-menu .dropdown-header:contains(${t.daily_work})` },
            screenshot("reporting_menu"),
            {
                trigger: `.dropdown-item[data-menu-xmlid="crm_sales_playbook.crm_lead_sla_report_menu"]:contains(${t.response_deadlines})`,
                run: "click",
            },
            {
                content: "the share of deadlines met, by team and salesperson",
                trigger: `.o_pivot thead th:contains(${t.met_rate})`,
            },
            { trigger: `.o_pivot tbody th:contains(${t.team})` },
            { trigger: `.o_pivot tbody th:contains(${t.seller})` },
            screenshot("sla_report"),
        ];
    },
});

/* The Dashboards app's component for the dashboard on the screen: its spreadsheet model, once loaded. */
function dashboardModel() {
    const stack = [odoo.__WOWL_DEBUG__.root.__owl__];
    while (stack.length) {
        const node = stack.pop();
        const dashboard = node.component?.loader && node.component.state?.activeDashboard;
        if (dashboard) {
            return dashboard.status === "Loaded" ? dashboard.model : null;
        }
        stack.push(...Object.values(node.children));
    }
    return null;
}

function dashboardCells(model) {
    const cells = [];
    for (const sheetId of model.getters.getSheetIds()) {
        const sheet = model.getters.getSheetName(sheetId);
        for (const position of model.getters.getEvaluatedCellsPositions(sheetId)) {
            const cell = model.getters.getEvaluatedCell(position);
            cells.push({ sheet, position, type: cell.type, value: cell.value, message: cell.message });
        }
    }
    return cells;
}

registry.category("web_tour.tours").add("crm_sales_playbook_dashboard_tour", {
    steps: () => {
        const t = texts();
        return [
            { trigger: `.o_spreadsheet_dashboard_search_panel header:contains(${t.dashboard_group})` },
            { trigger: `.o_search_panel_category_value[data-name="${t.dashboard}"]`, run: "click" },
            { trigger: `.o_search_panel_category_value.active[data-name="${t.dashboard}"]` },
            { trigger: ".o_spreadsheet_dashboard_action .o_renderer .o-grid" },
            check("the dashboard reads every figure, without an error cell", "body", () => {
                const model = dashboardModel();
                if (!model) {
                    return "the dashboard did not load";
                }
                const cells = dashboardCells(model);
                const loading = cells.filter((cell) => cell.type === "error" && cell.value === "Loading...");
                if (loading.length) {
                    return `${loading.length} cells still loading`;
                }
                const errors = cells.filter((cell) => cell.type === "error");
                if (errors.length) {
                    return errors
                        .map(({ sheet, position, value, message }) =>
                            `${sheet}!${position.col},${position.row}: ${value} ${message || ""}`)
                        .join("; ");
                }
                const values = new Set(cells.map((cell) => cell.value));
                const missing = t.dashboard_texts.filter((text) => !values.has(text));
                return missing.length ? `no cell reads ${JSON.stringify(missing)}` : "";
            }),
            screenshot("dashboard"),
        ];
    },
});

registry.category("web_tour.tours").add("crm_sales_playbook_legal_tour", {
    steps: () => {
        const t = texts();
        return [
            {
                content: "legal lands on the claims to review",
                trigger: `.o_breadcrumb:contains(${t.claims_to_review})`,
            },
            { trigger: `body:not(:has(.o_view_sample_data)) .o_list_view .o_data_row:contains(${t.claim_client})` },
            screenshot("legal_claims"),
            { trigger: `.o_list_view .o_data_row:contains(${t.claim_client}) .o_data_cell:first`, run: "click" },
            check("the claim opens with its essence", ".o_form_view .o_field_widget[name=essence]", () => {
                const field = document.querySelector(".o_form_view .o_field_widget[name=essence]");
                const text = field?.querySelector("textarea")?.value ?? field?.textContent ?? "";
                return text.includes(t.essence) ? "" : `essence "${text}"`;
            }),
            currentStage("the claim waits at the legal review", t.legal_stage),
            screenshot("claim_form"),
        ];
    },
});

registry.category("web_tour.tours").add("crm_sales_playbook_support_blocked_tour", {
    steps: () => {
        const t = texts();
        return [
            {
                content: "the lead says why it is blocked",
                trigger: `.o_form_view .o_field_widget[name=blocked_message]:contains(${t.blocked})`,
            },
            {
                content: "a blocked lead offers no Won, Lost or Enrich",
                trigger: `.o_form_view .o_form_statusbar:not(:has(${WON}, ${LOST}, button[name=iap_enrich]))`,
            },
            {
                content: "and its stage bar cannot be clicked",
                trigger: ".o_form_view .o_statusbar_status:not(:has(button:enabled))",
            },
            currentStage("the blocked lead stays where it was", t.stages[1]),
            screenshot("blocked_lead"),
        ];
    },
});

registry.category("web_tour.tours").add("crm_sales_playbook_support_connection_tour", {
    steps: () => {
        const t = texts();
        return [
            {
                content: "a Connection lead without a paid invoice says why instead of offering Won",
                trigger: `.o_form_view .o_form_statusbar .o_field_widget[name=playbook_won_hint]:contains(${t.won_hint})`,
            },
            { trigger: `.o_form_view .o_form_statusbar:not(:has(${WON}))` },
            { content: "a refusal is always possible", trigger: `.o_form_view .o_form_statusbar ${LOST}` },
            screenshot("connection_lead"),
        ];
    },
});
