"""Write the report notebooks (committed without outputs): python tools/make_notebooks.py."""
import nbformat as nbf

nb = nbf.v4.new_notebook()
md = nbf.v4.new_markdown_cell
code = nbf.v4.new_code_cell
cells = [
 code('# Parameters: papermill replaces these. In JupyterLab, edit them and run all cells.\n'
      '# data: a data folder (None means the built-in synthetic demo)\n'
      '# area: the partnership area (None means the demo area)\n'
      '# year: a financial year such as "2025/26" (None means the latest complete year)\n'
      '# classification: the protective marking shown on every page\n'
      '# suppress_below: small-area counts from 1 to this minus one are shown as "<5" (etc.)\n'
      '# assessment_file: set by csp-assess run (the assessment it computed); leave it None\n'
      'data = None\narea = None\nyear = None\nclassification = "OFFICIAL"\n'
      'suppress_below = 5\nassessment_file = None',
      metadata={"tags": ["parameters"]}),
 code('import csp_analysis as csp\n'
      'from csp_analysis.report import display as show\n\n'
      'assessment = csp.assess(data, area, year, suppress_below=suppress_below,\n'
      '                        saved=assessment_file)\n'
      'show.cover(assessment, classification)'),
 md('## Key findings\n\nThe main points of the assessment, written from the figures below.'),
 code('show.findings(assessment)'),
 md('## Data coverage\n\n'
    'What the figures rest on: the months each year has, the records read and used, and what '
    'is missing. A missing month is a gap in the data, never a month without crime.'),
 code('show.section(assessment, "coverage")'),
 md('## Crime and anti-social behaviour by category\n\n'
    'Recorded crime by category for the assessed year and the year before. **All crime** is the '
    'sum of the crime categories; anti-social behaviour (ASB) incidents are shown beside it '
    'and are never counted in it.'),
 code('show.section(assessment, "change")'),
 md('## Monthly trends\n\n'
    'Every available month, with the assessed year shaded. Compare a month with the same month a '
    'year earlier rather than with the month before: crime and ASB are seasonal. Missing months '
    'are gaps, not zeros.'),
 code('show.section(assessment, "monthly")'),
 md('## Trends over the years\n\n'
    'Is there a steady rise or fall that no single year shows? Each category is tested for a '
    'trend over every complete financial year, and on monthly counts against the same month in '
    'other years.'),
 code('show.section(assessment, "trends")'),
 md('## Unusual months: statistical process control\n\n'
    'Control charts separate ordinary month-to-month variation from months that stand out.'),
 code('show.section(assessment, "spc")'),
 md('## Seasonality\n\n'
    'The typical pattern across the year, and each month of the assessed year against the '
    'same month a year earlier.'),
 code('show.section(assessment, "seasonality")'),
 md('## How the area compares\n\n'
    'Rates per 1,000 residents with 95% intervals against the comparator group (the most '
    'similar group where `peers.csv` gives one, otherwise the other partnerships of the force).'),
 code('show.section(assessment, "comparators")'),
 md('## The force\'s districts\n\nEvery partnership of the force, ranked by % change.'),
 code('show.section(assessment, "districts")'),
 md('## Where crime happens\n\nHot spots from street-level records.'),
 code('show.section(assessment, "hotspots")'),
 md('## What residents think\n\nThe share of residents naming each concern in the '
    'resident survey.'),
 code('show.section(assessment, "survey")'),
 md('## Last year\'s plan\n\nHow far the partnership plan was delivered.'),
 code('show.section(assessment, "plan")'),
 md('## Choosing priorities: the risk matrix\n\n'
    'Each category scored from 1 to 5 on volume, trend, harm, cost, public concern, '
    'vulnerability and partnership capacity, then combined with documented weights.'),
 code('show.section(assessment, "risk")'),
 md('## Recommended priorities'),
 code('show.section(assessment, "priorities")'),
 md('## Method\n\nHow the figures were made.'),
 code('show.method_notes(assessment)'),
 md('## Appendix: files read\n\n'
    'Every input file with the rows read, used and not used, and every month missing from the '
    'assessed or the comparison year.'),
 code('show.section(assessment, "quality")'),
]
for i, cell in enumerate(cells):
    cell.id = f"cell-{i:02d}"  # stable ids: regenerating gives the same file
nb.cells = cells
nb.metadata["kernelspec"] = {
    "name": "csp-assess", "display_name": "Python (csp-assess)", "language": "python"
}
nb.metadata["language_info"] = {"name": "python"}
nbf.write(nb, "notebooks/strategic_assessment.ipynb")

# The deep dive: one category, by hand in JupyterLab or by papermill.
deep = [
    code('# Parameters: papermill replaces these. In JupyterLab, edit them and run all cells.\n'
         '# category: the report category to study, e.g. "Shoplifting"\n'
         '# suppress_below: small-area counts below this are shown as "<5" (etc.)\n'
         '# assessment_file: set by csp-assess run (the assessment it computed); leave it None\n'
         'data = None\narea = None\nyear = None\ncategory = "All crime"\n'
         'classification = "OFFICIAL"\nsuppress_below = 5\nassessment_file = None',
         metadata={"tags": ["parameters"]}),
    code('import csp_analysis as csp\n'
         'from csp_analysis.report import display as show\n\n'
         'assessment = csp.assess(data, area, year, suppress_below=suppress_below,\n'
         '                        saved=assessment_file)\n'
         'show.deep_dive_cover(assessment, category, classification)'),
    md('## The figures\n\nThe category in the assessed year and the year before.'),
    code('show.deep_dive_table(assessment, category)'),
    md('## Trend\n\nEvery available month, and the trend tests over the years.'),
    code('show.deep_dive_trend(assessment, category)'),
    md('## Unusual months\n\nA control chart of the monthly counts.'),
    code('show.deep_dive_spc(assessment, category)'),
    md('## Seasonal pattern\n\nEach month of the assessed year against the same month a year '
       'earlier.'),
    code('show.deep_dive_seasonal(assessment, category)'),
    md('## Places\n\nWhere the category happens, from street-level records where they exist '
       '(small counts suppressed).'),
    code('show.deep_dive_places(assessment, category)'),
]
for i, cell in enumerate(deep):
    cell.id = f"cell-{i:02d}"
dd = nbf.v4.new_notebook()
dd.cells = deep
dd.metadata = nb.metadata
nbf.write(dd, "notebooks/deep_dive.ipynb")

# Exploration: any data folder, any area, category and year, in JupyterLab.
explore = [
    md('# Exploring a data folder\n\n'
       'A guided look at any folder of police.uk, Home Office or local files: what it holds, '
       'what could not be used, every partnership of the force, and one area and category in '
       'depth. Tables are sortable (click a heading) and filterable (type in the box above '
       'them), here and in the exported HTML.\n\n'
       'Set the choices in the next cell, then run all cells (Run → Run All Cells).'),
    code('# Choices: edit these and run all cells (papermill can set them too).\n'
         '# data: a data folder, e.g. "~/Downloads/police-uk" (None means the built-in demo)\n'
         '# area: a partnership area, e.g. "Thurrock" (None: the demo area, or the only one)\n'
         '# year: a financial year such as "2018/19" (None: the latest complete year)\n'
         '# category: "All crime" or a category such as "Burglary"\n'
         'data = None\narea = None\nyear = None\ncategory = "All crime"',
         metadata={"tags": ["parameters"]}),
    code('import csp_analysis as csp\n'
         'from csp_analysis.report import display as show\n'
         'from csp_analysis.report import explore\n\n'
         'ds = csp.load(data)\n'
         'explore.overview(ds)'),
    md('## What could not be used\n\n'
       'Every row that was not counted, with its file, line, column and reason. Missing months '
       'are listed in the data quality table of the report, never counted as zero.'),
    code('explore.problems(ds)'),
    md('## The area, year and category explored'),
    code('assessment = csp.assess(ds, area, year)\n'
         'explore.selection(ds, assessment, category)'),
    md('## Every partnership of the force\n\n'
       'All crime in each partnership, the assessed year against the year before, with rates '
       'per 1,000 residents where population is known.'),
    code('explore.areas(assessment)'),
    md('## Every category in the area\n\n'
       'The year-on-year table with the exact test of each change: sort by `p_value` or '
       '`pct_change` to see what moved.'),
    code('explore.categories(assessment)'),
    md('## The category month by month'),
    code('show.deep_dive_trend(assessment, category)'),
    md('## Unusual months'),
    code('show.deep_dive_spc(assessment, category)'),
    md('## Against the same month last year'),
    code('show.deep_dive_seasonal(assessment, category)'),
    md('## Places\n\nNeighbourhoods (LSOAs) with most records, small counts suppressed.'),
    code('show.deep_dive_places(assessment, category)'),
    md('## Going deeper'),
    code('explore.go_deeper(assessment, category)'),
]
for i, cell in enumerate(explore):
    cell.id = f"cell-{i:02d}"
ex = nbf.v4.new_notebook()
ex.cells = explore
ex.metadata = nb.metadata
nbf.write(ex, "notebooks/explore.ipynb")
