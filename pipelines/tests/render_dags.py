"""Prints every DAG task's rendered application_args as JSON, for the Java test that parses them with the jar's own
command-line parser (DagArgumentsTest). Usage: python3 render_dags.py [DS]"""
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dagtools  # noqa: E402


def main():
    ds = sys.argv[1] if len(sys.argv) > 1 else "2024-01-01"
    variables = dagtools.test_variables(os.path.join(tempfile.gettempdir(), "spp-dag-render"))
    tasks = []
    for dag_id, dag in dagtools.load_dags().items():
        for t in dag.tasks:
            tasks.append({"dag_id": dag_id, "task_id": t.task_id, "java_class": t.java_class,
                          "args": [dagtools.render(a, ds, variables) for a in t.application_args]})
    json.dump(tasks, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
