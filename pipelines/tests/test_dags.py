"""Structure of every DAG in pipelines/, checked against the stand-in airflow package (standard library only).

Run: python3 -m unittest discover -s pipelines/tests (Maven runs it in the test phase of the jobs module).
"""
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dagtools  # noqa: E402

MAIN_CLASS = "org.samplingprivacy.jobs.Main"


class DagStructureTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dags = dagtools.load_dags()
        cls.variables = dagtools.test_variables(tempfile.gettempdir())

    def test_there_are_dags_with_unique_ids_owners_tags_and_no_catchup(self):
        self.assertIn("spp_epsilon_audit", self.dags)
        for dag_id, dag in self.dags.items():
            self.assertTrue(dag_id.startswith("spp_"), dag_id)
            self.assertIs(dag.kwargs.get("catchup"), False, dag_id)
            self.assertTrue(dag.kwargs.get("tags"), dag_id)
            self.assertTrue(dag.default_args.get("owner"), dag_id)
            self.assertTrue(dag.kwargs.get("schedule"), dag_id)
            self.assertTrue(dag.tasks, dag_id)

    def test_every_task_retries_and_runs_the_jar_main_class(self):
        for dag in self.dags.values():
            for t in dag.tasks:
                where = "%s.%s" % (dag.dag_id, t.task_id)
                self.assertGreaterEqual(t.retries, 1, where)
                self.assertEqual(MAIN_CLASS, t.java_class, where)
                self.assertEqual("{{ var.value.spp_jar }}", t.application, where)
                self.assertTrue(all(k.startswith("spark.") for k in (t.conf or {})), where)

    def test_every_run_is_one_idempotent_slice_keyed_on_ds(self):
        for dag in self.dags.values():
            for t in dag.tasks:
                args = t.application_args
                self.assertIn("--run-id", args, t.task_id)
                self.assertEqual("{{ ds }}", args[args.index("--run-id") + 1], t.task_id)

    def test_templates_use_only_ds_and_spp_variables_and_config_files_exist(self):
        for dag in self.dags.values():
            for t in dag.tasks:
                rendered = [dagtools.render(a, "2024-01-01", self.variables) for a in t.application_args]
                rendered.append(dagtools.render(t.properties_file, "2024-01-01", self.variables))
                if "--config" in rendered:
                    path = rendered[rendered.index("--config") + 1]
                    self.assertTrue(os.path.isfile(path), "%s: %s" % (t.task_id, path))
                self.assertTrue(os.path.isfile(rendered[-1]), rendered[-1])
        with self.assertRaises(ValueError):
            dagtools.render("{{ macros.datetime.now() }}", "2024-01-01", self.variables)

    def test_dependencies_form_no_cycle(self):
        for dag in self.dags.values():
            tasks = dag.task_dict
            indegree = {k: len(t.upstream_task_ids) for k, t in tasks.items()}
            ready = [k for k, d in indegree.items() if d == 0]
            seen = 0
            while ready:
                k = ready.pop()
                seen += 1
                for d in tasks[k].downstream_task_ids:
                    indegree[d] -= 1
                    if indegree[d] == 0:
                        ready.append(d)
            self.assertEqual(len(tasks), seen, "cycle in " + dag.dag_id)

    def test_epsilon_audit_estimates_before_it_exports(self):
        dag = self.dags["spp_epsilon_audit"]
        self.assertEqual({"export_selected_estimates"}, dag.task_dict["estimate_epsilon"].downstream_task_ids)

    def test_sampling_imports_then_samples_then_fits(self):
        dag = self.dags["spp_sampling"]
        self.assertEqual({"sensitivity_sample"}, dag.task_dict["import_table"].downstream_task_ids)
        self.assertEqual({"l1_regression_on_sample"}, dag.task_dict["sensitivity_sample"].downstream_task_ids)

    def test_private_synthesis_releases_then_exports_with_the_secret_off_the_command_line(self):
        dag = self.dags["spp_private_synthesis"]
        self.assertEqual({"check_budget"}, dag.task_dict["audit_configuration"].downstream_task_ids)
        audit = dag.task_dict["audit_configuration"].application_args
        self.assertIn("--fail-on-violation", audit)
        self.assertNotIn("--ledger", audit)
        self.assertEqual({"synthesize"}, dag.task_dict["check_budget"].downstream_task_ids)
        self.assertIn("--dry-run", dag.task_dict["check_budget"].application_args)
        synth = dag.task_dict["synthesize"]
        self.assertEqual({"export_synthetic", "budget_report"}, synth.downstream_task_ids)
        budget = dag.task_dict["budget_report"].application_args
        self.assertEqual("privacy-ledger", budget[0])
        self.assertEqual(synth.application_args[synth.application_args.index("--ledger") + 1],
                         budget[budget.index("--ledger") + 1])
        args = synth.application_args
        self.assertEqual("env:SPP_NOISE_SEED", args[args.index("--noise-seed") + 1])
        self.assertNotIn("spp_noise_seed", " ".join(args))
        rendered = dagtools.render(synth.env_vars["SPP_NOISE_SEED"], "2024-01-01", self.variables)
        self.assertEqual(self.variables["spp_noise_seed"], rendered)
        for option in ("--ledger", "--dataset-id", "--budget-cap", "--epsilon", "--delta"):
            self.assertIn(option, args)
        # The audit attacks exactly the mechanism the release runs.
        for option in ("--domain", "--epsilon", "--delta", "--workload"):
            self.assertEqual(args[args.index(option) + 1], audit[audit.index(option) + 1], option)
        with open(os.path.join(dagtools.REPO, "conf", "pums-public.csv")) as a, \
                open(os.path.join(dagtools.REPO, "data", "pums", "PUMS.csv")) as b:
            self.assertEqual(b.read(), a.read())
        # The deployed domain file is the one bundled with the data.
        with open(os.path.join(dagtools.REPO, "conf", "pums-domain.json")) as a, \
                open(os.path.join(dagtools.REPO, "data", "pums", "pums-domain.json")) as b:
            self.assertEqual(b.read(), a.read())

    def test_ambient_study_mixes_then_fits_then_prices(self):
        dag = self.dags["spp_ambient_study"]
        self.assertEqual({"fit_mixes"}, dag.task_dict["build_mixes"].downstream_task_ids)
        self.assertEqual({"fit_scaling_laws"}, dag.task_dict["fit_mixes"].downstream_task_ids)
        mixes = dag.task_dict["build_mixes"].application_args
        study = dag.task_dict["fit_mixes"].application_args
        self.assertEqual(mixes[mixes.index("--output") + 1], study[study.index("--mixes") + 1])

    def test_sdim_hashes_items_before_buckets_and_features(self):
        dag = self.dags["spp_sdim_features"]
        self.assertEqual({"user_buckets", "impression_features"}, dag.task_dict["item_signatures"].downstream_task_ids)
        self.assertIn("--incremental", dag.task_dict["user_buckets"].application_args)

    def test_the_stand_in_rejects_an_unknown_operator_argument(self):
        sys.path.insert(0, os.path.join(dagtools.HERE, "stubs"))
        try:
            from airflow import DAG
            from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator
            with DAG(dag_id="x"):
                with self.assertRaises(TypeError):
                    SparkSubmitOperator(task_id="t", java_clas="typo")
        finally:
            sys.path.pop(0)


if __name__ == "__main__":
    unittest.main()
