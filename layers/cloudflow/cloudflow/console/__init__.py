"""The CloudFlow console: one web page (plain HTML, CSS and JavaScript, no build step) over the management API.

It lists flows and their executions (filtered by status), draws a flow's definition as a graph (states as
nodes; Next, Default, Choice-rule and Catch edges labelled; Parallel branches and Map processors nested) and
shows an execution on that graph: each state coloured by what its history events say (running, exited,
failed, caught, entered), a state's input, output, error and cause on a click, the history timeline and the
transition count, refreshed every 2 s while the execution runs.

`cloudflow.console.routes.register_console(app)` adds ``GET /console`` and ``GET /console/static/{path}``
to the API's resolver (and ``POST /console/asl``, which turns a stored definition, JSON or YAML, ASL or
CloudFlow, into the ASL object the graph is drawn from).

README: the graph is laid out by ELK, the Eclipse Layout Kernel compiled to JavaScript: elkjs 0.12.1 from
npm (``lib/elk.bundled.js``, vendored unchanged as ``static/vendor/elk.bundled.js``, sha256 b1032b7c...ea0d7;
EPL-2.0 OR GPL-3.0-or-later, see ``static/vendor/elkjs-LICENSE.md``). To update it: ``npm pack elkjs``,
copy ``package/lib/elk.bundled.js`` and ``package/LICENSE.md`` over those two files, and change this line.
"""
