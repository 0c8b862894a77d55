"""The SYNTHETIC demo data generator (a developer tool, never imported by ``csp_analysis``).

Regenerate the committed ``data/demo`` from the project folder with ``python -m tools.demo``
(``make demo-data``). :mod:`tools.demo.generate` writes the fictional force's crime, ASB and
population files; :mod:`tools.demo.priorities` the demo partnership's survey, plan and hand scores.
"""
