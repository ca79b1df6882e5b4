"""The classroom page (Solara): ``cpsim app`` or ``solara run cpsim.app.page``.

Modules: levers (controls -> scenario keys), classroom (the settings the page shows and the
model it runs), layout (where beats, streets and residents are drawn), pictures (network
and beat map), charts (live plots), lessons (what to notice and try per scenario),
lesson_runs (the measured figures of docs/classroom.md's lessons), page (the Solara
components). Only ``page`` imports solara; nothing in the model imports this package.
"""
