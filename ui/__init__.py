"""The Streamlit app's pages and parts, laid out by `app.py`.

Loaded from the checkout (app.py's folder is on the path), not installed: the package
installs `simulator` only. Modules here may import streamlit and `simulator`; `simulator`
never imports them. No simulation logic lives here: inputs, one cached call
(`ui.cache`), and the cards, charts and tables of its typed `Comparison`.

- `format`: money, intervals and text as the page shows them (no streamlit)
- `state`: session state, the query string, the teams a session adds
- `cache`: the cached calls (the comparison, the fit of a history)
- `widgets`: page elements every page uses (plan headings, charts with downloads)
- `sidebar`: the plans, team and simulation inputs
- `editor`, `commission_editor`: the plan editor, its commission widgets
- `results`, `health`, `presentation`: the results page, its health panel, the slides
- `plans_tab`, `team_tab`: the compared plans, the team and its fit
- `sensitivity`: a plan's levers swept
- `backtest`: an uploaded actuals CSV paid under each compared plan
"""
