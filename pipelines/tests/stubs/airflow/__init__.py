"""Test-only stand-in for the parts of Airflow the spp DAGs use (Airflow cannot be installed on the build image).

It imitates `airflow.DAG` as a context manager that collects operators, and keeps import paths identical to the real
ones, so `runpy` runs a DAG file exactly as the scheduler would parse it. It proves the DAGs parse and are wired as
intended against this stub; a DagBag test must still run where Airflow is installed.
"""
_current = []


class DAG:
    ALLOWED = {"dag_id", "description", "schedule", "schedule_interval", "start_date", "end_date", "catchup",
               "default_args", "tags", "max_active_runs", "max_active_tasks", "dagrun_timeout", "doc_md",
               "params", "render_template_as_native_obj", "is_paused_upon_creation"}

    def __init__(self, dag_id=None, **kwargs):
        unknown = set(kwargs) - self.ALLOWED
        if unknown:
            raise TypeError("DAG() got unexpected keyword arguments %s" % sorted(unknown))
        self.dag_id = dag_id
        self.kwargs = kwargs
        self.default_args = kwargs.get("default_args", {})
        self.tasks = []

    def __enter__(self):
        _current.append(self)
        return self

    def __exit__(self, *exc):
        _current.pop()
        return False

    @property
    def task_dict(self):
        return {t.task_id: t for t in self.tasks}


def current_dag():
    return _current[-1] if _current else None


class BaseOperator:
    BASE_ALLOWED = {"task_id", "owner", "retries", "retry_delay", "depends_on_past", "trigger_rule", "pool", "queue",
                    "execution_timeout", "email", "email_on_failure", "email_on_retry", "doc_md", "dag", "sla",
                    "priority_weight", "max_retry_delay", "retry_exponential_backoff"}
    ALLOWED = set()

    def __init__(self, task_id, **kwargs):
        unknown = set(kwargs) - self.ALLOWED - self.BASE_ALLOWED
        if unknown:
            raise TypeError("%s() got unexpected keyword arguments %s" % (type(self).__name__, sorted(unknown)))
        self.dag = kwargs.pop("dag", None) or current_dag()
        if self.dag is None:
            raise RuntimeError("operator %s created outside a DAG" % task_id)
        params = dict(self.dag.default_args)
        params.update(kwargs)
        self.task_id = task_id
        self.params = params
        self.retries = params.get("retries", 0)
        self.upstream_task_ids = set()
        self.downstream_task_ids = set()
        if task_id in self.dag.task_dict:
            raise ValueError("duplicate task_id %s" % task_id)
        self.dag.tasks.append(self)

    def set_downstream(self, other):
        for o in other if isinstance(other, (list, tuple)) else [other]:
            self.downstream_task_ids.add(o.task_id)
            o.upstream_task_ids.add(self.task_id)

    def __rshift__(self, other):
        self.set_downstream(other)
        return other

    def __lshift__(self, other):
        for o in other if isinstance(other, (list, tuple)) else [other]:
            o.set_downstream(self)
        return other
