#!/usr/bin/env python3
"""Uninstalls crm_sales_playbook from a copy of a database and checks that Odoo's CRM still works.

    tools/uninstall_check.py --source-db DB --copy-db COPY --addons-path PATH [--odoo-bin ODOO_BIN]

On COPY, a duplicate of DB (a database with the addon installed; duplicated with its filestore,
dropped at the end unless --keep), through ``odoo shell``:

  1. puts leads in the addon's stages Meeting and Order (one of them lost), plans a consultation (an
     activity of the addon's own type) on one of them, and uses that type in an activity plan and as
     the activity triggered by Odoo's Call type;
  2. uninstalls the addon (``button_immediate_uninstall``): the log must hold no WARNING, ERROR or
     CRITICAL line and the module must end up uninstalled;
  3. in a fresh registry, without the addon: the leads still exist, moved to Odoo's Proposition stage
     (the lost one still lost), the addon's stages are gone, Odoo's stages have Odoo's names again,
     the consultation is still planned, the plan and the Call type name an Odoo type; and a plain
     CRM user (Sales / User: Own Documents Only) opens the lead views, creates a lead, moves it to
     another stage and marks it won.

Prints one line, "ok   uninstall ..." or "FAIL uninstall ...: reason", and exits 0 or 1.
Odoo runs as ODOO_BIN when given, else as ``python3 -c 'import odoo.cli ...'`` (Odoo importable).
Logs are written to --log-dir (default: a temporary folder, removed on success).
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

NAME = "uninstall"
MARK = "UNINSTALL_CHECK "
NOISE = re.compile(r"^\d{4}-\d\d-\d\d [\d:,]+ \d+ (WARNING|ERROR|CRITICAL) ", re.MULTILINE)

SEED = r"""
import json
Lead = env["crm.lead"]
meeting = env.ref("crm_sales_playbook.crm_stage_meeting")
order = env.ref("crm_sales_playbook.crm_stage_order")
admin = env.ref("base.user_admin")
leads = Lead.create([
    {"name": "Uninstall check %s %s" % (stage.name, number), "type": "opportunity", "stage_id": stage.id,
     "user_id": admin.id, "partner_name": "Uninstall Check %s" % number, "channel": "inbound_call",
     "email_from": "uninstall.check.%s.%s@crm-sales-playbook.org" % (stage.id, number)}
    for stage in (meeting, order) for number in (1, 2)
])
lost = leads[-1]
lost.action_set_lost(lost_reason_id=env["crm.lost.reason"].search([], limit=1).id,
                     closing_comment="Uninstall check: the client chose another offer.")
consultation_type = env.ref("crm_sales_playbook.mail_activity_type_consultation")
consultation = leads[0].activity_schedule("crm_sales_playbook.mail_activity_type_consultation", user_id=admin.id)
# An admin's use of the addon's activity type in Odoo's own configuration.
plan = env["mail.activity.plan"].create({
    "name": "Uninstall check plan", "res_model": "crm.lead",
    "template_ids": [(0, 0, {"activity_type_id": consultation_type.id, "responsible_type": "on_demand"})],
})
env.ref("mail.mail_activity_data_call").write({
    "chaining_type": "trigger", "triggered_next_type_id": consultation_type.id})
env.flush_all()
result = {
    "leads": leads.ids, "lost": lost.id, "lost_date_closed": str(lost.date_closed),
    "own_stages": (meeting | order).ids, "activity": consultation.id, "plan_step": plan.template_ids.id,
}
env.cr.commit()
print("UNINSTALL_CHECK " + json.dumps(result))
"""

UNINSTALL = r"""
env["ir.module.module"].search([("name", "=", "crm_sales_playbook")]).button_immediate_uninstall()
env.cr.commit()
"""

AFTER = r"""
import json
import os
seeded = json.loads(os.environ["UNINSTALL_CHECK_SEEDED"])
problems = []
module = env["ir.module.module"].search([("name", "=", "crm_sales_playbook")])
if module.state != "uninstalled":
    problems.append("the module is %s, not uninstalled" % module.state)
if "playbook_step" in env["crm.stage"]._fields:
    problems.append("the registry still has the addon's fields")
Lead = env["crm.lead"].with_context(active_test=False)
leads = Lead.browse(seeded["leads"]).exists()
proposition = env.ref("crm.stage_lead3")
if len(leads) != len(seeded["leads"]):
    problems.append("%d of %d leads left" % (len(leads), len(seeded["leads"])))
if leads.stage_id != proposition:
    problems.append("the leads are in %s, not in %s" % (leads.stage_id.mapped("name"), proposition.name))
lost = Lead.browse(seeded["lost"]).exists()
if lost and (lost.active or lost.probability or str(lost.date_closed) != seeded["lost_date_closed"]):
    problems.append("the lost lead is no longer lost as it was")
if env["crm.stage"].browse(seeded["own_stages"]).exists():
    problems.append("the addon's stages are still there")
names = (env.ref("crm.stage_lead2").name, proposition.name)
if names != ("Qualified", "Proposition"):
    problems.append("Odoo's stages are named %s" % (names,))
activity = env["mail.activity"].browse(seeded["activity"]).exists()
if not activity or activity.activity_type_id != env.ref("mail.mail_activity_data_todo"):
    problems.append("the planned consultation is gone or has no Odoo type")
todo = env.ref("mail.mail_activity_data_todo")
if env["mail.activity.plan.template"].browse(seeded["plan_step"]).exists().activity_type_id != todo:
    problems.append("the activity plan's step is gone or has no Odoo type")
if env.ref("mail.mail_activity_data_call").triggered_next_type_id != todo:
    problems.append("Odoo's Call type does not trigger an Odoo type")
if not any("moves to Proposition" in (message.body or "") for message in leads[:1].message_ids):
    problems.append("the moved lead's chatter does not say why it moved")

# A plain CRM user works in Odoo's CRM as before.
user = env["res.users"].create({
    "name": "Uninstall Check Salesperson", "login": "uninstall_check_salesperson",
    "email": "uninstall.check.salesperson@example.com",
    "groups_id": [(6, 0, [env.ref("sales_team.group_sale_salesman").id])],
})
AsUser = env["crm.lead"].with_user(user)
AsUser.get_views([(False, "kanban"), (False, "list"), (False, "form"), (False, "search")])
lead = AsUser.create({"name": "Uninstall check: a new lead", "type": "opportunity", "user_id": user.id})
lead.write({"stage_id": env.ref("crm.stage_lead2").id})
lead.action_set_won()
lead.invalidate_recordset()
if not (lead.stage_id.is_won and lead.probability == 100):
    problems.append("a lead marked won is in %s at %s%%" % (lead.stage_id.name, lead.probability))
env.cr.rollback()
print("UNINSTALL_CHECK " + json.dumps({"problems": problems}))
"""


class CheckFailed(Exception):
    pass


def odoo_command(odoo_bin):
    if odoo_bin:
        return [odoo_bin]
    return [sys.executable, "-c", "import sys, odoo.cli; sys.argv[0] = 'odoo'; odoo.cli.main()"]


def run(command, log_path, stdin=None, timeout=900, env=None):
    with open(log_path, "w", encoding="utf-8") as log:
        try:
            done = subprocess.run(
                command,
                input=stdin,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
                timeout=timeout,
                check=False,
                env=env,
            )
        except subprocess.TimeoutExpired as error:
            raise CheckFailed(f"{' '.join(command[:3])}... timed out after {timeout} s (log: {log_path})") from error
        log.write(done.stdout)
    return done


def shell(args, script, log_name, log_dir, log_level="info", env=None):
    log_path = os.path.join(log_dir, log_name)
    command = odoo_command(args.odoo_bin) + [
        "shell",
        "-d",
        args.copy_db,
        f"--addons-path={args.addons_path}",
        "--no-http",
        "--max-cron-threads=0",
        f"--log-level={log_level}",
    ]
    done = run(command, log_path, stdin=script, env=env)
    text = open(log_path, encoding="utf-8").read()
    if done.returncode != 0:
        last = [line for line in text.splitlines() if line.strip()][-1:] or ["no output"]
        raise CheckFailed(f"{log_name}: odoo shell exited with {done.returncode}: {last[0]} (log: {log_path})")
    found = [line[len(MARK) :] for line in done.stdout.splitlines() if line.startswith(MARK)]
    return (json.loads(found[-1]) if found else None), text, log_path


def check(args, log_dir):
    duplicate = run(
        odoo_command(args.odoo_bin) + ["db", "duplicate", args.source_db, args.copy_db],
        os.path.join(log_dir, "duplicate.log"),
    )
    if duplicate.returncode != 0:
        raise CheckFailed(f"could not duplicate {args.source_db} to {args.copy_db} (log: {log_dir}/duplicate.log)")
    args.created = True
    seeded, _text, _path = shell(args, SEED, "seed.log", log_dir, log_level="warn")
    if not seeded:
        raise CheckFailed("the leads were not created in the addon's stages")
    _none, text, path = shell(args, UNINSTALL, "uninstall.log", log_dir)
    noisy = [line for line in text.splitlines() if NOISE.match(line)]
    if noisy:
        raise CheckFailed(f"{len(noisy)} WARNING/ERROR lines in the log, first: {noisy[0]} (log: {path})")
    after, _text, path = shell(
        args,
        AFTER,
        "after.log",
        log_dir,
        log_level="warn",
        env=dict(os.environ, UNINSTALL_CHECK_SEEDED=json.dumps(seeded)),
    )
    if after is None:
        raise CheckFailed(f"the checks after the uninstall did not finish (log: {path})")
    if after["problems"]:
        raise CheckFailed("; ".join(after["problems"]))
    return len(seeded["leads"])


def drop(args, log_dir):
    run(odoo_command(args.odoo_bin) + ["db", "drop", args.copy_db], os.path.join(log_dir, "drop.log"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source-db", required=True, help="database with crm_sales_playbook installed")
    parser.add_argument("--copy-db", help="name of the copy (default: SOURCE_uninstall)")
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--odoo-bin", default=os.environ.get("ODOO_BIN"))
    parser.add_argument("--log-dir", help="where to write the logs (kept)")
    parser.add_argument("--keep", action="store_true", help="keep the copy")
    args = parser.parse_args()
    args.copy_db = args.copy_db or f"{args.source_db}_uninstall"
    args.created = False  # only a copy made here is dropped here
    log_dir = args.log_dir or tempfile.mkdtemp(prefix="crm_sales_playbook_uninstall.")
    os.makedirs(log_dir, exist_ok=True)
    try:
        moved = check(args, log_dir)
    except CheckFailed as error:
        print(f"FAIL {NAME}: {error}")
        return 1
    finally:
        if args.created and not args.keep:
            drop(args, log_dir)
    print(
        f"ok   {NAME}: {moved} leads of the addon's stages moved to Proposition, "
        "no WARNING or ERROR logged, a CRM user still creates, moves and wins a lead"
    )
    if not args.log_dir:
        shutil.rmtree(log_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
