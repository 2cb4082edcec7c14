import logging
import threading
import time
from contextlib import contextmanager
from datetime import timedelta
from unittest.mock import patch

from psycopg2 import errors

import odoo
from odoo.service.model import retrying
from odoo.tests import new_test_user, tagged

from ..models.locking import lock_skip_locked
from .common import MON_1100_MSK, PLAYBOOK, RaceCase


@contextmanager
def captured_logs(name, level):
    """The log records of ``name`` at ``level`` or above, in ``.records`` (``assertLogs`` fails when none)."""

    class Capture(logging.Handler):
        records = []

        def emit(self, record):
            self.records.append(record)

    logger = logging.getLogger(name)
    handler = Capture(level)
    handler.records = []
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(min(previous or level, level))
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


@tagged("post_install", "-at_install")
class TestIntakeRace(RaceCase):
    """Two requests at once on real connections: advisory locks keep "one open X per Y" (PP-8, ST-14)."""

    def race(self, first, second):
        """Run ``first(env1)``, then ``second(env2)`` in a thread as Odoo runs a request (retried on a
        serialization failure), wait until the second waits for the first's lock, commit the first.
        Returns (first's result, second's result)."""
        with self.workers(lock_timeout="20s") as (env1, env2):
            result = first(env1)
            pid = env2.cr._cnx.get_backend_pid()
            outcome = {}

            def run():
                # As Odoo's ``retrying`` does for a request, without its sleeps and registry signals.
                try:
                    for _try in range(5):
                        try:
                            outcome["result"] = second(env2)
                            env2.cr.commit()
                            return
                        except errors.SerializationFailure:
                            env2.cr.rollback()
                            # Odoo's ``retrying`` also reloads the registry (``env.reset()``), whose lock the test
                            # runner holds: the registry did not change, clearing the caches is the same here.
                            env2.transaction.clear()
                            outcome["retries"] = outcome.get("retries", 0) + 1
                except Exception as error:  # noqa: BLE001 - reported by the main thread
                    outcome["error"] = error

            thread = threading.Thread(target=run)
            thread.start()
            for _attempt in range(200):
                env1.cr.execute("SELECT count(*) FROM pg_locks WHERE pid = %s AND NOT granted", [pid])
                if env1.cr.fetchone()[0]:
                    break
                time.sleep(0.05)
            else:
                self.fail("the second request should wait for the first one's lock")
            env1.cr.commit()
            thread.join(30)
            if thread.is_alive():
                env1.cr.execute(
                    "SELECT a.pid, a.state, left(a.query, 300) FROM pg_stat_activity a"
                    " WHERE a.pid = ANY(pg_blocking_pids(%s))",
                    [pid],
                )
                self.fail(f"the second request should end once the first one committed; held by {env1.cr.fetchall()}")
            self.assertNotIn("error", outcome, "the second request should end well, retried if needed")
            self.retries = outcome.get("retries", 0)
            return result, outcome["result"]

    @staticmethod
    def build_client(env):
        partner = env["res.partner"].create({"name": "Race client", "email": "race.client@example.com"})
        product = env["product.product"].create({"name": "Race product"})
        return {"partner": partner, "product": product}

    @staticmethod
    def cleanup_client(env, records):
        env["crm.lead"].with_context(active_test=False).search([("partner_id", "=", records["partner"].id)]).unlink()
        records["product"].unlink()
        records["partner"].unlink()

    @staticmethod
    def submit(ids):
        """A request for the committed client and product, as the external API or the web client sends it
        (through Odoo's ``call_kw``): returns the lead's id."""
        vals = {
            "name": "Race request",
            "type": "opportunity",
            "partner_id": ids["partner"],
            "product_id": ids["product"],
            "phone": "+7 912 604-18-37",
        }

        def create(env):
            return odoo.api.call_kw(env["crm.lead"], "create", [vals], {})

        return create

    def test_two_requests_for_one_client_and_product_make_one_lead(self):
        """Seed 004: «5.3. При создании ПП в сервисе ПП выполняется автоматическая проверка всех уже существующих ПП,
        чтобы исключить дублирование. Если по клиенту уже есть созданная ПП по Продукту, то новая ПП не будет
        создана, а в существующей ПП может быть обновлена информация, например, температура, добавлены новые
        контакты и т.д.»"""
        with self.committed(self.build_client, self.cleanup_client) as ids:
            submit = self.submit(ids)
            first, second = self.race(submit, submit)
            self.assertEqual(
                self.retries,
                0,
                "the second request wrote nothing before its lock: it waited, then began its transaction again "
                "instead of failing into Odoo's retry and its sleep of up to two seconds",
            )
            with self.workers(1) as (env,):
                leads = env["crm.lead"].search([("partner_id", "=", ids["partner"])])
                self.assertEqual(leads.ids, [first], "one lead for the client and product")
                self.assertEqual(second, first, "the second request returns the first one's lead")
                asked = leads.message_ids.filtered(lambda m: "asked again" in (m.body or ""))
                self.assertEqual(len(asked), 1, "the retried request was logged once on the lead")

    def test_a_request_that_wrote_before_its_lock_is_retried_and_makes_one_lead(self):
        """Seed 004: «5.3. При создании ПП в сервисе ПП выполняется автоматическая проверка всех уже существующих ПП,
        чтобы исключить дублирование.» A request that wrote before it creates the lead cannot begin again on
        its own: it fails with a serialization failure, Odoo retries it, and it joins the first request's lead."""

        def cleanup(env, records):
            env["res.partner"].search([("name", "=", "Race note")]).unlink()
            self.cleanup_client(env, records)

        with self.committed(self.build_client, cleanup) as ids:
            submit = self.submit(ids)

            def write_then_submit(env):
                env["res.partner"].create({"name": "Race note"})
                env.flush_all()
                return submit(env)

            first, second = self.race(submit, write_then_submit)
            self.assertEqual(self.retries, 1, "the request that had written is retried by Odoo, once")
            with self.workers(1) as (env,):
                leads = env["crm.lead"].search([("partner_id", "=", ids["partner"])])
                self.assertEqual(leads.ids, [first], "one lead for the client and product")
                self.assertEqual(second, first, "the retried request returns the first one's lead")
                self.assertEqual(
                    env["res.partner"].search_count([("name", "=", "Race note")]),
                    1,
                    "what the retried request wrote before its lock was written once",
                )

    def test_a_request_inside_a_savepoint_is_never_begun_again(self):
        """Seed 004: «5.3. При создании ПП в сервисе ПП выполняется автоматическая проверка всех уже существующих ПП,
        чтобы исключить дублирование.» A caller that holds a savepoint (an import, a ``cr.savepoint()`` block)
        would lose it with a restarted transaction: such a request waits as any other, fails into Odoo's retry,
        and joins the first request's lead."""
        with self.committed(self.build_client, self.cleanup_client) as ids:
            submit = self.submit(ids)

            def submit_in_savepoint(env):
                # Server code creating the lead under a savepoint of its own, as an import does.
                values = {"name": "Race request", "type": "opportunity", "phone": "+7 912 604-18-37"}
                with env.cr.savepoint():
                    return env["crm.lead"].create(dict(values, partner_id=ids["partner"], product_id=ids["product"])).id

            first, second = self.race(submit, submit_in_savepoint)
            self.assertEqual(self.retries, 1, "not begun again under the caller's savepoint: retried by Odoo")
            self.assertEqual(second, first, "the retried request returns the first one's lead")

    def test_two_requests_plan_one_pending_followup_of_a_kind(self):
        """Seed 004: «5.3. При создании ПП в сервисе ПП выполняется автоматическая проверка всех уже существующих ПП,
        чтобы исключить дублирование.»"""

        def build(env):
            leader = new_test_user(env, login="pb_race_leader", groups=PLAYBOOK + "head")
            team = env["crm.team"].create(
                {"name": "Race team", "tz": "Europe/Moscow", "playbook_guards": True, "user_id": leader.id}
            )
            lead = (
                env["crm.lead"]
                .with_context(playbook_no_request_followups=True)
                .create({"name": "Race web request", "type": "opportunity", "team_id": team.id, "channel": "web_form"})
            )
            return {"partner": leader.partner_id, "leader": leader, "team": team, "lead": lead}

        def cleanup(env, records):
            lead = records["lead"]
            env["crm.lead.followup"].search([("lead_id", "=", lead.id)]).unlink()
            lead.activity_ids.unlink()
            lead.unlink()
            records["team"].unlink()
            records["leader"].unlink()
            records["partner"].unlink()

        with self.committed(build, cleanup) as ids:

            def plan(env):
                env["crm.lead"].browse(ids["lead"])._playbook_plan_request_followups()
                return True

            self.race(plan, plan)
            with self.workers(1) as (env,):
                followups = env["crm.lead.followup"].search([("lead_id", "=", ids["lead"]), ("state", "=", "pending")])
                self.assertEqual(
                    sorted(followups.mapped("kind")),
                    ["answer_call", "confirm_call"],
                    "one pending follow-up of each kind: the confirmation call and the call back within the hour",
                )


@tagged("post_install", "-at_install")
class TestRetriedMergeRace(RaceCase):
    """A merge whose attempt is rolled back and retried sends what it sends once (PP-8, PP-2)."""

    def test_a_retried_merge_queues_one_email(self):
        """Seed 004: «При поступлении горячей ПП уведомление в СЦ приходит сразу после ее загрузки в сервис ПП.»"""

        def build(env):
            team = env["crm.team"].create(
                {
                    "name": "Race team",
                    "tz": "Europe/Moscow",
                    "user_id": False,
                    "playbook_notify_email": "race.team@example.com",
                }
            )
            partner = env["res.partner"].create({"name": "Race client"})
            product = env["product.product"].create({"name": "Race product"})
            lead = env["crm.lead"].create(
                {
                    "name": "Warm lead",
                    "type": "opportunity",
                    "team_id": team.id,
                    "partner_id": partner.id,
                    "product_id": product.id,
                    "temperature": "warm",
                }
            )
            return {"team": team, "partner": partner, "product": product, "lead": lead}

        def cleanup(env, records):
            env["mail.mail"].search([("model", "=", "crm.lead"), ("res_id", "=", records["lead"].id)]).unlink()
            for name in ("lead", "product", "partner", "team"):
                records[name].unlink()

        Lead = type(self.env["crm.lead"])
        merge = Lead._playbook_merge_intake
        attempts = []

        def fail_once(lead, vals):
            merge(lead, vals)
            attempts.append(lead.id)
            if len(attempts) == 1:
                lead.env.flush_all()
                lead.env.cr.execute("SELECT playbook_hot_pending FROM crm_lead WHERE id = %s", [lead.id])
                self.assertEqual(lead.env.cr.fetchone()[0], True, "the first attempt flagged the hot lead")
                lead.env.cr.execute("SELECT count(*) FROM ir_cron_trigger WHERE cron_id = %s", [hot_job])
                self.assertEqual(lead.env.cr.fetchone()[0], triggers + 1, "and woke the hot-lead job")
                # The attempt loses a race, as when another request updated the lead meanwhile.
                lead.env.cr.execute(
                    "DO $$ BEGIN RAISE EXCEPTION 'lost race' USING ERRCODE = 'serialization_failure'; END $$",
                    log_exceptions=False,
                )

        with self.committed(build, cleanup) as ids, self.workers(1) as (env,):
            hot_job = env.ref("crm_sales_playbook.crm_lead_cron_deal_requests").id
            triggers = env["ir.cron.trigger"].search_count([("cron_id", "=", hot_job)])
            vals = {
                "name": "Hot request",
                "type": "opportunity",
                "partner_id": ids["partner"],
                "product_id": ids["product"],
                "temperature": "hot",
            }
            with (
                patch.object(Lead, "_playbook_merge_intake", fail_once),
                patch("odoo.service.model.time.sleep"),
                patch.object(type(env["ir.mail_server"]), "send_email") as send_email,
            ):
                lead_id = retrying(lambda: env["crm.lead"].create(vals).id, env)
                self.assertEqual(lead_id, ids["lead"], "the request merged into the open lead")
                self.assertEqual(len(attempts), 2, "the merge was tried twice")
                self.assertEqual(
                    env["ir.cron.trigger"].search_count([("cron_id", "=", hot_job)]),
                    triggers + 1,
                    "the failed attempt's wake-up was rolled back with it: the job is woken once",
                )
                # The job woken after the commit, twice over as two cron threads would: one announcement.
                env["crm.lead"]._cron_playbook_deal_requests()
                env["crm.lead"]._cron_playbook_deal_requests()
            send_email.assert_not_called()
            mails = env["mail.mail"].search([("model", "=", "crm.lead"), ("res_id", "=", lead_id)])
            self.assertEqual(mails.mapped("email_to"), ["race.team@example.com"], "one announcement queued")
            self.assertEqual(mails.state, "outgoing", "queued, sent by the mail queue after the commit")
            lead = env["crm.lead"].browse(lead_id)
            asked = lead.message_ids.filtered(lambda m: "asked again" in (m.body or ""))
            self.assertEqual(len(asked), 1, "the merge was logged once")


@tagged("post_install", "-at_install")
class TestDigestAssignmentRace(RaceCase):
    """The daily digest and the waiting-leads assignment on the same leads at once (PP-2)."""

    def build(self, env):
        return self.build_race_team(env, playbook_notify_email="race.team@example.com")

    @staticmethod
    def cleanup(env, records):
        leads = records["lead"]
        env["mail.mail"].search([("model", "=", "crm.team"), ("res_id", "=", records["team"].id)]).unlink()
        leads.unlink()
        records["team"].unlink()
        records["user"].unlink()
        records["partner"].unlink()

    def run_crons(self, assign_env, digest_env, commit_assignment_first):
        with patch.object(assign_env.cr, "now", lambda: MON_1100_MSK):
            self.assertEqual(assign_env["crm.team"]._cron_playbook_assign(), 1, "the assignment gives the lead")
        if commit_assignment_first:
            assign_env.cr.commit()
        with (
            patch.object(digest_env.cr, "now", lambda: MON_1100_MSK),
            captured_logs("odoo", logging.INFO) as logs,
        ):
            digest_env["crm.team"]._cron_playbook_digest()
        self.assertFalse(
            [record.getMessage() for record in logs.records if record.levelno >= 30],
            "the digest that lost the race logs no warning or error",
        )
        return logs

    def test_digest_skips_the_leads_the_assignment_holds(self):
        """Seed 004: «При поступлении горячей ПП уведомление в СЦ приходит сразу после ее загрузки в сервис ПП.»"""
        with self.committed(self.build, self.cleanup) as ids, self.workers() as (assign_env, digest_env):
            self.run_crons(assign_env, digest_env, commit_assignment_first=False)
            lead = digest_env["crm.lead"].browse(ids["lead"])
            self.assertFalse(lead.playbook_announced, "the held lead waits for a digest")

    def test_digest_after_a_concurrent_assignment_leaves_the_lead_for_the_next_digest(self):
        """Seed 004: «Уведомление о назначении теплой ПП приходит в СЦ 1 (Один) раз в сутки.»

        The digest's snapshot predates the assignment's commit: it cannot lock the lead, skips it without a
        warning, and the next day's digest announces it."""
        with self.committed(self.build, self.cleanup) as ids, self.workers() as (assign_env, digest_env):
            digest_env.cr.execute("SELECT id FROM crm_lead WHERE id = %s", [ids["lead"]])  # its snapshot starts
            self.run_crons(assign_env, digest_env, commit_assignment_first=True)
            lead = digest_env["crm.lead"].browse(ids["lead"])
            self.assertFalse(lead.playbook_announced, "the lead the assignment changed is not announced today")
            self.assertFalse(
                digest_env["mail.mail"].search([("model", "=", "crm.team"), ("res_id", "=", ids["team"])]),
                "no digest with the lead it could not lock",
            )
            digest_env.cr.commit()
            next_day = MON_1100_MSK + timedelta(days=1)
            with patch.object(digest_env.cr, "now", lambda: next_day):
                self.assertEqual(digest_env["crm.team"]._cron_playbook_digest().ids, [ids["team"]])
            self.assertTrue(lead.playbook_announced, "the next digest announces it")

    def test_digest_of_a_team_changed_meanwhile_logs_info_and_waits(self):
        """Seed 004: «Уведомление о назначении теплой ПП приходит в СЦ 1 (Один) раз в сутки.»

        Another transaction changed the team after the digest's snapshot: the race is lost, logged at INFO
        (crons are not retried), and the team's digest waits for the next run."""
        with self.committed(self.build, self.cleanup) as ids, self.workers() as (user_env, digest_env):
            digest_env.cr.execute("SELECT id FROM crm_team WHERE id = %s", [ids["team"]])  # its snapshot starts
            user_env["crm.team"].browse(ids["team"]).write({"name": "Race team, renamed"})
            user_env.cr.commit()
            with (
                patch.object(digest_env.cr, "now", lambda: MON_1100_MSK),
                captured_logs("odoo", logging.INFO) as logs,
            ):
                sent = digest_env["crm.team"]._cron_playbook_digest()
            messages = [record.getMessage() for record in logs.records]
            self.assertFalse([record for record in logs.records if record.levelno >= logging.WARNING], messages)
            self.assertTrue(
                [message for message in messages if "changed by another transaction" in message],
                f"the lost race is logged at INFO: {messages}",
            )
            self.assertFalse(sent, "no digest sent")
            team = digest_env["crm.team"].browse(ids["team"])
            self.assertFalse(team.playbook_digest_date, "the team's digest is left for the next run")
            self.assertFalse(digest_env["crm.lead"].browse(ids["lead"]).playbook_announced)


@tagged("post_install", "-at_install")
class TestUserWriteCronRace(RaceCase):
    """A salesperson moving a lead while a cron handles the same lead: the user locks first, the cron skips (PP-2)."""

    def build(self, env):
        return self.build_race_team(env)

    @staticmethod
    def cleanup(env, records):
        records["lead"].unlink()
        records["team"].unlink()
        records["user"].unlink()
        records["partner"].unlink()

    def stage(self, env):
        return env["crm.stage"].search([("is_won", "=", False)], order="sequence, id")[1]

    def test_a_cron_skips_the_lead_a_user_is_writing(self):
        """Seed 004: «При поступлении горячей ПП уведомление в СЦ приходит сразу после ее загрузки в сервис ПП.»
        The lead a salesperson is moving is locked before the move: a cron running meanwhile leaves it for its
        next run instead of changing it under the user."""
        with self.committed(self.build, self.cleanup) as ids, self.workers() as (user_env, cron_env):
            lead = user_env["crm.lead"].browse(ids["lead"]).with_user(ids["user"])
            lead.write({"stage_id": self.stage(user_env).id})  # not committed: the user's request goes on
            held = lock_skip_locked(cron_env["crm.lead"].browse(ids["lead"]))
            self.assertFalse(held, "the cron skips the lead the user holds")

    def test_a_move_after_a_cron_changed_the_lead_is_retried_without_an_error(self):
        """Seed 004: «При поступлении горячей ПП уведомление в СЦ приходит сразу после ее загрузки в сервис ПП.»
        A cron committed a change to the lead after the user's request began: the move fails at its lock with
        the serialization failure Odoo retries, and no "bad query" ERROR is logged; the retry moves the lead."""
        with self.committed(self.build, self.cleanup) as ids, self.workers() as (user_env, cron_env):
            user_env.cr.execute("SELECT id FROM crm_lead WHERE id = %s", [ids["lead"]])  # the request's snapshot
            cron_env["crm.lead"].browse(ids["lead"]).write({"priority": "2"})
            cron_env.cr.commit()
            target = self.stage(cron_env)
            lead = user_env["crm.lead"].browse(ids["lead"]).with_user(ids["user"])
            with captured_logs("odoo.sql_db", logging.ERROR) as logs:
                with self.assertRaises(errors.SerializationFailure):
                    lead.write({"stage_id": target.id})
                    user_env.flush_all()
            self.assertFalse([record.getMessage() for record in logs.records], "no bad query in the log")
            user_env.cr.rollback()
            user_env.transaction.clear()
            lead.write({"stage_id": target.id})
            user_env.flush_all()
            self.assertEqual(lead.stage_id, target, "the retried request moves the lead")
            self.assertEqual(lead.priority, "2", "and keeps what the cron wrote")
