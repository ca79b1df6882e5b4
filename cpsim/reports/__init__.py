"""Reports: the writers that turn a study into words, tables, figures and documentation.

The brief's answers (``brief``), its text tables (``tables``), the HTML report
(``html_report``), run figures (``plots``), and the generators of the reference docs
(``reference``) and of the documentation's measured figures (``docs_figures``). Nothing is
imported here, so importing one writer does not load the others.
"""
