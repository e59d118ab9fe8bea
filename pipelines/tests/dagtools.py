"""Loads every DAG file of pipelines/ with the stand-in airflow package and renders task templates.

Templates may use only {{ ds }}, {{ ds_nodash }} and {{ var.value.<spp variable> }}: a DAG run's arguments are then
a function of its logical date and the deployment's Variables, never of "now" or of state read at parse time.
"""
import glob
import os
import re
import runpy
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PIPELINES = os.path.dirname(HERE)
REPO = os.path.dirname(PIPELINES)
VARIABLES = ("spp_jar", "spp_conf_dir", "spp_warehouse", "spp_landing", "spp_reports", "spp_noise_seed")
TEMPLATE = re.compile(r"\{\{\s*(.*?)\s*\}\}")


def load_dags():
    """Runs every DAG file as the scheduler would; returns {dag_id: dag}."""
    sys.path[:0] = [os.path.join(HERE, "stubs"), PIPELINES]
    try:
        import airflow  # the stand-in
        dags = {}
        ignored = [l.strip() for l in open(os.path.join(PIPELINES, ".airflowignore")) if l.strip()]
        for path in sorted(glob.glob(os.path.join(PIPELINES, "*.py"))):
            name = os.path.basename(path)
            if any(re.search(p, name) for p in ignored):
                continue
            namespace = runpy.run_path(path)
            found = [v for v in namespace.values() if isinstance(v, airflow.DAG)]
            if not found:
                raise AssertionError("%s defines no DAG" % name)
            for dag in found:
                if dag.dag_id in dags:
                    raise AssertionError("dag_id %s defined twice" % dag.dag_id)
                dag.fileloc = path
                dags[dag.dag_id] = dag
        return dags
    finally:
        del sys.path[:2]


def render(value, ds, variables):
    """Renders one templated string; an unknown macro raises ValueError."""
    def sub(m):
        expr = m.group(1)
        if expr == "ds":
            return ds
        if expr == "ds_nodash":
            return ds.replace("-", "")
        if expr.startswith("var.value.") and expr[len("var.value."):] in VARIABLES:
            return variables[expr[len("var.value."):]]
        raise ValueError("template {{ %s }} is not allowed in %r" % (expr, value))
    if "{%" in value:
        raise ValueError("template blocks are not allowed: %r" % value)
    return TEMPLATE.sub(sub, value)


def test_variables(tmp):
    """Variable values for rendering in tests: the repository's own conf/ and jar path, scratch folders."""
    return {
        "spp_jar": os.path.join(REPO, "jobs", "target", "spp-jobs.jar"),
        "spp_conf_dir": os.path.join(REPO, "conf"),
        "spp_warehouse": os.path.join(tmp, "warehouse"),
        "spp_landing": os.path.join(tmp, "landing"),
        "spp_reports": os.path.join(tmp, "reports"),
        "spp_noise_seed": "test-noise-secret-0123456789",
    }
