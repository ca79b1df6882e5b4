"""The classroom page (Solara, Mesa's SolaraViz): ``cpsim app`` or ``solara run cpsim.app.page``.

Modules: levers (sliders -> scenario keys), classroom (the model the page runs), layout
(where beats, streets and residents are drawn), pictures (network and beat map), charts
(live plots), page (the Solara components). Only ``page`` imports solara and mesa's
visualization; nothing in the model imports this package.
"""
