/*
 * CloudFlow console: flows, executions, and an execution drawn on its flow's graph.
 *
 * Plain JavaScript, no build step. Data comes from the management API by relative URLs (the API root is
 * two folders above this script: <root>/console/static/console.js), so the page works on the local stack
 * and under an API Gateway stage alike. The graph is laid out by ELK (vendor/elk.bundled.js, global `ELK`)
 * and drawn here as SVG. Everything the API answers is put in the page as text, never as markup.
 *
 * Routes (location.hash):
 *   #/flows                          the flows
 *   #/flows/<name>[?status=S]        a flow: its graph, definition and executions
 *   #/executions[?flow=F&status=S]   a flow's executions, filtered by status
 *   #/executions/<arn, URL-encoded>  an execution: status per state on the graph, state details, history
 */
(function () {
  "use strict";

  const SVG_NS = "http://www.w3.org/2000/svg";
  const SCRIPT_URL = document.currentScript ? document.currentScript.src : window.location.href;
  const API_ROOT = new URL("../../", SCRIPT_URL);
  const STATUSES = ["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"];
  const STATE_STATUSES = ["running", "exited", "failed", "caught", "entered"];
  const STATE_STATUS_MEANING = {
    running: "entered, not yet left",
    exited: "left normally",
    failed: "failed (not caught)",
    caught: "failed, then left by a Catch",
    entered: "entered, never left (execution stopped)",
    none: "not entered",
  };
  const REFRESH_MS = 2000;
  const PAGE_SIZE = 100;
  const HISTORY_PAGE = 1000;
  const HISTORY_MAX_EVENTS = 25000;
  const UNIT_FETCH_MAX = 50; // unit histories read per refresh: Parallel branches and Map iterations
  const MAP_DETAIL_MAX = 10; // a Map with more iterations: counts on its node, states from one iteration
  const UNIT_MAX_EVENTS = 2000;

  const main = document.getElementById("main");
  let generation = 0; // bumped on every navigation: stale fetches and timers see it and stop
  let refreshTimer = null;

  // --- DOM helpers (text only: API data never becomes markup) ------------------------------------------

  function setAttributes(element, attributes) {
    for (const [key, value] of Object.entries(attributes || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "text") element.textContent = String(value);
      else if (key.startsWith("on") && typeof value === "function") element.addEventListener(key.slice(2), value);
      else element.setAttribute(key, value === true ? "" : String(value));
    }
  }

  function appendChildren(element, children) {
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      element.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }

  /** Replace `element`'s children (nulls and falses left out, strings as text). */
  function fill(element, ...children) {
    element.replaceChildren();
    appendChildren(element, children);
    return element;
  }

  function h(tag, attributes, ...children) {
    const element = document.createElement(tag);
    setAttributes(element, attributes);
    appendChildren(element, children);
    return element;
  }

  function s(tag, attributes, ...children) {
    const element = document.createElementNS(SVG_NS, tag);
    setAttributes(element, attributes);
    appendChildren(element, children);
    return element;
  }

  function errorBox(error, testid) {
    const text = error instanceof ApiError ? error.describe() : String(error && error.message ? error.message : error);
    return h("div", {class: "cf-error", "data-testid": testid || "error", text});
  }

  function when(iso) {
    if (!iso) return "";
    return String(iso).replace("T", " ").replace(/(\.\d+)?Z$/, " UTC");
  }

  function clock(iso) {
    const match = /T(\d\d:\d\d:\d\d(\.\d+)?)/.exec(String(iso || ""));
    return match ? match[1] : String(iso || "");
  }

  function pretty(text) {
    if (text === null || text === undefined) return null;
    if (typeof text !== "string") return JSON.stringify(text, null, 2);
    try {
      return JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      return text;
    }
  }

  function shorten(text, limit) {
    const value = String(text);
    return value.length > limit ? value.slice(0, limit - 1) + "\u2026" : value;
  }

  function setNav(which) {
    for (const link of document.querySelectorAll("[data-nav]")) {
      link.classList.toggle("cf-active", link.getAttribute("data-nav") === which);
    }
  }

  function statusBadge(status, testid) {
    return h("span", {class: `cf-badge cf-exec-${status}`, "data-testid": testid || null, text: status});
  }

  // --- the API ------------------------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, document, text) {
      super(document && document.message ? document.message : `HTTP ${status}`);
      this.status = status;
      this.error = document && document.error ? document.error : null;
      this.document = document;
      this.text = text;
    }

    describe() {
      return `${this.error || "HTTP " + this.status}: ${this.message}`;
    }
  }

  async function api(path, query, init) {
    const url = new URL(path, API_ROOT);
    for (const [key, value] of Object.entries(query || {})) {
      if (value !== null && value !== undefined && value !== "") url.searchParams.set(key, String(value));
    }
    const response = await fetch(url, Object.assign({headers: {Accept: "application/json"}}, init || {}));
    const text = await response.text();
    let document = null;
    try {
      document = text ? JSON.parse(text) : null;
    } catch {
      document = null;
    }
    if (!response.ok) throw new ApiError(response.status, document, text);
    return document;
  }

  const pathPart = (value) => encodeURIComponent(value);

  async function historyOf(arn, unit, maxEvents) {
    const events = [];
    let token = null;
    do {
      const page = await api(`executions/${pathPart(arn)}/history`,
        {maxResults: HISTORY_PAGE, nextToken: token, unit: unit || null});
      events.push(...(page.events || []));
      token = page.nextToken || null;
    } while (token && events.length < (maxEvents || HISTORY_MAX_EVENTS));
    return {events, truncated: Boolean(token)};
  }

  async function allFlows() {
    const flows = [];
    let token = null;
    do {
      const page = await api("flows", {maxResults: 1000, nextToken: token});
      flows.push(...(page.flows || []));
      token = page.nextToken || null;
    } while (token && flows.length < 10000);
    return flows;
  }

  const aslCache = new Map();

  /** The ASL object a stored definition stands for: JSON ASL as is, anything else converted by the API. */
  async function aslOf(text) {
    if (aslCache.has(text)) return aslCache.get(text);
    let document = null;
    try {
      document = JSON.parse(text);
    } catch {
      document = null;
    }
    if (!(document && typeof document === "object" && document.States && typeof document.StartAt === "string")) {
      const converted = await api("console/asl", null, {
        method: "POST",
        headers: {"Content-Type": "application/json", Accept: "application/json"},
        body: JSON.stringify({definition: text}),
      });
      document = converted.definition;
    }
    aslCache.set(text, document);
    return document;
  }

  // --- the graph: ASL -> ELK graph -> layout -> SVG ------------------------------------------------------

  const measureContext = document.createElement("canvas").getContext("2d");
  const FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

  function textWidth(text, size, weight) {
    measureContext.font = `${weight || 400} ${size}px ${FONT_FAMILY}`;
    return Math.ceil(measureContext.measureText(String(text)).width);
  }

  const COMPARISONS = {Equals: "==", LessThan: "<", GreaterThan: ">", LessThanEquals: "<=",
    GreaterThanEquals: ">=", Matches: "matches"};
  const TESTS = {IsNull: "null", IsPresent: "present", IsString: "a string", IsNumeric: "numeric",
    IsBoolean: "a boolean", IsTimestamp: "a timestamp"};

  /** A Choice rule as a short condition: `$.kind == "big"`, `$.n > 3 and $.ok is present`... */
  function describeRule(rule) {
    if (!rule || typeof rule !== "object") return "?";
    if (typeof rule.Condition === "string") return rule.Condition;
    if (Array.isArray(rule.And)) return rule.And.map((r) => wrapRule(r)).join(" and ");
    if (Array.isArray(rule.Or)) return rule.Or.map((r) => wrapRule(r)).join(" or ");
    if (rule.Not) return "not " + wrapRule(rule.Not);
    const variable = rule.Variable || "?";
    for (const [key, value] of Object.entries(rule)) {
      if (key in TESTS) return `${variable} is ${value === false ? "not " : ""}${TESTS[key]}`;
      const match = /^(String|Numeric|Boolean|Timestamp)(Equals|LessThan|GreaterThan|LessThanEquals|GreaterThanEquals|Matches)(Path)?$/.exec(key);
      if (match) return `${variable} ${COMPARISONS[match[2]]} ${match[3] ? value : JSON.stringify(value)}`;
    }
    return "rule";
  }

  function wrapRule(rule) {
    const text = describeRule(rule);
    return rule && (rule.And || rule.Or) ? `(${text})` : text;
  }

  const LEAF_HEIGHT = 46;
  const TERMINAL_SIZE = 38;
  const LABEL_FONT = 11;

  const ROOT_OPTIONS = {
    "elk.algorithm": "layered",
    "elk.direction": "DOWN",
    "elk.json.shapeCoords": "ROOT",
    "elk.json.edgeCoords": "ROOT",
    "elk.edgeRouting": "ORTHOGONAL",
    "elk.padding": "[top=12,left=12,bottom=12,right=12]",
    "elk.spacing.nodeNode": "28",
    "elk.spacing.edgeLabel": "3",
    "elk.layered.spacing.nodeNodeBetweenLayers": "38",
    "elk.layered.spacing.edgeNodeBetweenLayers": "18",
    "elk.layered.considerModelOrder.strategy": "NODES_AND_EDGES",
    "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
  };

  function compoundOptions(minimumWidth) {
    return {
      "elk.algorithm": "layered",
      "elk.direction": "DOWN",
      "elk.edgeRouting": "ORTHOGONAL",
      "elk.padding": "[top=34,left=14,bottom=14,right=14]",
      "elk.spacing.nodeNode": "24",
      "elk.layered.spacing.nodeNodeBetweenLayers": "34",
      "elk.layered.considerModelOrder.strategy": "NODES_AND_EDGES",
      "elk.nodeSize.constraints": "MINIMUM_SIZE",
      "elk.nodeSize.minimum": `(${minimumWidth}, 60)`,
    };
  }

  /** The ELK graph of an ASL definition, with what each element stands for. */
  function elkGraphOf(asl) {
    const meta = new Map(); // element id -> {kind: state|branch|start|end|edge, ...}
    let edges = 0;
    const root = {id: "graph", layoutOptions: ROOT_OPTIONS, children: [], edges: []};

    function addEdge(container, from, to, label, kind) {
      const id = `edge${++edges}`;
      const labels = label ? [{text: shorten(label, 42), width: textWidth(shorten(label, 42), LABEL_FONT) + 8,
        height: LABEL_FONT + 6}] : [];
      container.edges.push({id, sources: [from], targets: [to], labels});
      meta.set(id, {kind: "edge", edgeKind: kind, label: label || ""});
    }

    function addScope(container, states, startAt, scope, top) {
      const ids = new Map();
      const entries = Object.entries(states && typeof states === "object" ? states : {});
      for (const [name, state] of entries) {
        const id = `${scope}/${name}`;
        ids.set(name, id);
        const type = state && typeof state.Type === "string" ? state.Type : "?";
        const info = {kind: "state", name, type, state, scope, compound: false};
        meta.set(id, info);
        const node = {id};
        const header = `${type} \u00b7 ${name}`;
        if (type === "Parallel" && Array.isArray(state.Branches)) {
          info.compound = true;
          // Branches side by side: one layer of branch boxes, not one stacked component per branch.
          Object.assign(node, {layoutOptions: Object.assign(compoundOptions(textWidth(header, 13, 600) + 28),
            {"elk.separateConnectedComponents": "false"}), children: [], edges: []});
          state.Branches.forEach((branch, index) => {
            const branchId = `${id}#${index + 1}`;
            const branchNode = {id: branchId, children: [], edges: [],
              layoutOptions: Object.assign(compoundOptions(80), {"elk.padding": "[top=22,left=10,bottom=10,right=10]"})};
            meta.set(branchId, {kind: "branch", label: `Branch ${index + 1}`});
            addScope(branchNode, branch && branch.States, branch && branch.StartAt, branchId, false);
            node.children.push(branchNode);
          });
        } else if (type === "Map" && (state.ItemProcessor || state.Iterator)) {
          info.compound = true;
          const processor = state.ItemProcessor || state.Iterator;
          Object.assign(node, {layoutOptions: compoundOptions(textWidth(header, 13, 600) + 120), children: [],
            edges: []});
          addScope(node, processor.States, processor.StartAt, `${id}#items`, false);
        } else {
          node.width = Math.max(120, textWidth(name, 13, 600) + 28, textWidth(type, 11) + 28);
          node.height = LEAF_HEIGHT;
        }
        container.children.push(node);
      }
      const endings = [];
      for (const [name, state] of entries) {
        if (!state || typeof state !== "object") continue;
        const from = ids.get(name);
        const link = (target, label, kind) => {
          if (typeof target === "string" && ids.has(target)) addEdge(container, from, ids.get(target), label, kind);
        };
        link(state.Next, null, "next");
        if (state.Type === "Choice") {
          (Array.isArray(state.Choices) ? state.Choices : []).forEach((rule) => link(rule && rule.Next,
            describeRule(rule), "choice"));
          link(state.Default, "Default", "default");
        }
        (Array.isArray(state.Catch) ? state.Catch : []).forEach((catcher) => link(catcher && catcher.Next,
          "Catch " + (Array.isArray(catcher && catcher.ErrorEquals) ? catcher.ErrorEquals.join(", ") : ""), "catch"));
        if (state.End === true || state.Type === "Succeed" || state.Type === "Fail") endings.push(from);
      }
      if (top) {
        container.children.unshift({id: "start", width: TERMINAL_SIZE, height: TERMINAL_SIZE});
        meta.set("start", {kind: "start"});
        container.children.push({id: "end", width: TERMINAL_SIZE, height: TERMINAL_SIZE});
        meta.set("end", {kind: "end"});
        if (ids.has(startAt)) addEdge(container, "start", ids.get(startAt), null, "start");
        for (const from of endings) addEdge(container, from, "end", null, "end");
      }
    }

    addScope(root, asl.States, asl.StartAt, "root", true);
    return {root, meta};
  }

  function edgePath(edge) {
    const parts = [];
    for (const section of edge.sections || []) {
      const points = [section.startPoint, ...(section.bendPoints || []), section.endPoint];
      parts.push("M" + points.map((p) => `${Math.round(p.x * 10) / 10} ${Math.round(p.y * 10) / 10}`).join(" L"));
    }
    return parts.join(" ");
  }

  /**
   * Lay out `asl` with ELK and draw it in `box`. Returns a handle: `select(name, node)`, `setStatuses(statusOf)`
   * (node id -> running|exited|failed|caught|entered), `setCounts(countsOf)` (Map nodes), `states` (state name ->
   * info), `nodes` (node id -> {group, info}) and `onSelect(name, node)` (set by the caller).
   */
  async function drawGraph(asl, box) {
    if (typeof ELK !== "function") throw new Error("the layout library (vendor/elk.bundled.js) did not load");
    const {root, meta} = elkGraphOf(asl);
    const laid = await new ELK().layout(root);
    const width = Math.ceil(laid.width || 0);
    const height = Math.ceil(laid.height || 0);
    const svgElement = s("svg", {class: "cf-graph", "data-testid": "graph", width, height,
      viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "flow graph"});
    const defs = s("defs", {},
      s("marker", {id: "cf-arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7,
        orient: "auto-start-reverse"}, s("path", {class: "cf-arrow", d: "M0 0 L10 5 L0 10 z"})),
      s("marker", {id: "cf-arrow-catch", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7,
        orient: "auto-start-reverse"}, s("path", {class: "cf-arrow-catch", d: "M0 0 L10 5 L0 10 z"})));
    svgElement.append(defs);

    const nodesByName = new Map(); // state name -> [g]
    const states = new Map(); // state name -> info (first of that name)
    const nodes = new Map(); // node id (`root/Fan#1/A1`: scope, then name) -> {group, info, header}

    function drawEdges(container, into) {
      for (const edge of container.edges || []) {
        const info = meta.get(edge.id) || {};
        const group = s("g", {class: `cf-edge cf-edge-${info.edgeKind || "next"}`, "data-testid": "graph-edge",
          "data-kind": info.edgeKind || "next", "data-label": info.label || null});
        group.append(s("path", {d: edgePath(edge),
          "marker-end": info.edgeKind === "catch" ? "url(#cf-arrow-catch)" : "url(#cf-arrow)"}));
        for (const label of edge.labels || []) {
          group.append(s("g", {class: "cf-edge-label"},
            s("title", {text: info.label}),
            s("rect", {x: label.x, y: label.y, width: label.width, height: label.height, rx: 3}),
            s("text", {x: label.x + 4, y: label.y + label.height - 5, text: label.text})));
        }
        into.append(group);
      }
    }

    function drawChildren(container, into) {
      drawEdges(container, into);
      for (const child of container.children || []) {
        const info = meta.get(child.id) || {};
        const x = child.x || 0;
        const y = child.y || 0;
        if (info.kind === "start" || info.kind === "end") {
          const r = TERMINAL_SIZE / 2;
          into.append(s("g", {class: `cf-node cf-terminal cf-${info.kind}`, "data-testid": `graph-${info.kind}`},
            s("circle", {cx: x + r, cy: y + r, r: r - 2}),
            s("text", {x: x + r, y: y + r + 3.5, "text-anchor": "middle", text: info.kind === "start" ? "Start" : "End"})));
        } else if (info.kind === "branch") {
          const group = s("g", {class: "cf-branch", "data-testid": "graph-branch"},
            s("rect", {x, y, width: child.width, height: child.height, rx: 6}),
            s("text", {x: x + 8, y: y + 15, text: info.label}));
          drawChildren(child, group);
          into.append(group);
        } else if (info.kind === "state") {
          const attributes = {class: `cf-node cf-state cf-type-${info.type}${info.compound ? " cf-compound" : ""}`,
            "data-testid": "state-node", "data-state": info.name, "data-node": child.id, "data-type": info.type,
            "data-status": "none",
            "data-x": Math.round(x), "data-y": Math.round(y), tabindex: 0};
          const group = s("g", attributes, s("title", {text: `${info.name} (${info.type})`}));
          if (info.compound) {
            group.append(
              s("rect", {class: "cf-frame", x, y, width: child.width, height: child.height, rx: 8}),
              s("text", {class: "cf-node-name", x: x + 12, y: y + 21, text: `${info.type} \u00b7 ${info.name}`}));
            drawChildren(child, group);
          } else {
            group.append(
              s("rect", {x, y, width: child.width, height: child.height, rx: 6}),
              s("text", {class: "cf-node-name", x: x + child.width / 2, y: y + 20, "text-anchor": "middle",
                text: info.name}),
              s("text", {class: "cf-node-type", x: x + child.width / 2, y: y + 36, "text-anchor": "middle",
                text: info.type}));
          }
          nodes.set(child.id, {group, info, x, y: y + 21, width: child.width});
          if (!nodesByName.has(info.name)) nodesByName.set(info.name, []);
          nodesByName.get(info.name).push(group);
          if (!states.has(info.name)) states.set(info.name, info);
          into.append(group);
        }
      }
    }

    drawChildren(laid, svgElement);

    let scale = 1;
    const stage = h("div", {class: "cf-graph-box", "data-testid": "graph-box"}, svgElement);
    const applyScale = () => {
      svgElement.setAttribute("width", String(Math.max(1, Math.round(width * scale))));
      svgElement.setAttribute("height", String(Math.max(1, Math.round(height * scale))));
    };
    const fit = () => {
      const available = Math.max(200, stage.clientWidth - 20);
      scale = Math.min(1, available / Math.max(1, width));
      applyScale();
    };
    const tools = h("div", {class: "cf-graph-tools"},
      h("button", {type: "button", title: "Zoom out", onclick: () => { scale = Math.max(0.2, scale / 1.25); applyScale(); }}, "\u2212"),
      h("button", {type: "button", title: "Zoom in", onclick: () => { scale = Math.min(3, scale * 1.25); applyScale(); }}, "+"),
      h("button", {type: "button", title: "Fit the width", onclick: fit}, "Fit"),
      h("span", {class: "cf-muted", text: `${states.size} states \u00b7 laid out by ELK`}));
    box.replaceChildren(tools, stage);
    fit();

    const handle = {
      states,
      nodes,
      onSelect: null,
      selected: null,
      /** Highlight one node (by id), or every node of a state name when `node` is not given. */
      select(name, node) {
        handle.selected = name;
        for (const [id, entry] of nodes) {
          entry.group.classList.toggle("cf-selected", node ? id === node : entry.info.name === name);
        }
      },
      /** `statusOf(nodeId, info)` -> running|exited|failed|caught|entered|none, for every state node. */
      setStatuses(statusOf) {
        for (const [id, entry] of nodes) {
          const status = statusOf(id, entry.info) || "none";
          for (const known of STATE_STATUSES) entry.group.classList.toggle(`cf-status-${known}`, known === status);
          entry.group.setAttribute("data-status", status);
        }
      },
      /** `countsOf(nodeId)` -> a short text shown in a Map node's header ("3 \u2713 / 1 \u2717"), or null. */
      setCounts(countsOf) {
        for (const [id, entry] of nodes) {
          if (entry.info.type !== "Map" || !entry.info.compound) continue;
          const text = countsOf(id);
          let label = entry.group.querySelector(":scope > [data-testid=map-counts]");
          if (!text) {
            if (label) label.remove();
            continue;
          }
          if (!label) {
            const header = `${entry.info.type} \u00b7 ${entry.info.name}`;
            label = s("text", {class: "cf-map-counts", "data-testid": "map-counts",
              x: entry.x + 22 + textWidth(header, 13, 600), y: entry.y});
            entry.group.querySelector(":scope > text.cf-node-name").after(label);
          }
          label.textContent = text;
        }
      },
    };
    const choose = (event) => {
      const target = event.target instanceof Element ? event.target.closest("[data-state]") : null;
      if (!target) return;
      const name = target.getAttribute("data-state");
      const node = target.getAttribute("data-node");
      handle.select(name, node);
      if (handle.onSelect) handle.onSelect(name, node);
    };
    svgElement.addEventListener("click", choose);
    svgElement.addEventListener("keydown", (event) => { if (event.key === "Enter") choose(event); });
    return handle;
  }

  function legend() {
    return h("div", {class: "cf-legend", "data-testid": "legend"},
      [...STATE_STATUSES, "none"].map((status) => h("span", {title: STATE_STATUS_MEANING[status]},
        h("i", {class: `cf-swatch cf-sw-${status}`}), status === "none" ? "not entered" : status)));
  }

  // --- state status from history events -----------------------------------------------------------------

  function detailsOf(event) {
    for (const [key, value] of Object.entries(event)) {
      if (key.endsWith("EventDetails") && value && typeof value === "object") return value;
    }
    return null;
  }

  // An iteration's own start and end (MapIteration*, in the Map's history when it ran in-process) say
  // nothing of the Map state itself: a tolerated failure of one iteration does not fail it.
  const ofAState = (type) => !type.startsWith("Execution") && !type.startsWith("MapIteration");
  const isStateFailure = (type) => ofAState(type) && /(Failed|TimedOut|Aborted)$/.test(type);
  const isStateProgress = (type) => ofAState(type) && /(Scheduled|Started|Submitted)$/.test(type);

  /**
   * What the (root) history says of each state: status, input, output, error, cause, times entered, retries.
   * Events without a state name (TaskScheduled, TaskFailed...) belong to the state of the event they follow
   * (`previousEventId`): a history holding the branches of a Parallel run in-process interleaves several
   * threads of states, each chained on its own. An event that follows none known belongs to the state
   * entered last and not left.
   */
  function deriveStates(events, executionStatus) {
    const states = new Map();
    const eventState = new Map();
    let current = null;
    const get = (name) => {
      if (!states.has(name)) {
        states.set(name, {name, status: "none", entered: 0, retries: 0, input: null, output: null, error: null,
          cause: null, failurePending: false, events: []});
      }
      return states.get(name);
    };
    const ownerOf = new Map(); // event id -> the state it belongs to (null: left, or none)
    for (const event of events) {
      const type = String(event.type || "");
      const details = detailsOf(event) || {};
      if (ownerOf.has(event.previousEventId)) current = ownerOf.get(event.previousEventId);
      if (type.endsWith("StateEntered") && details.name !== undefined) {
        const state = get(details.name);
        Object.assign(state, {status: "running", input: details.input ?? null, output: null, error: null,
          cause: null, failurePending: false});
        state.entered += 1;
        current = details.name;
      } else if (type.endsWith("StateExited") && details.name !== undefined) {
        const state = get(details.name);
        state.output = details.output ?? null;
        state.status = state.failurePending ? "caught" : "exited";
        state.failurePending = false;
        if (current === details.name) current = null;
      } else if (current !== null && isStateFailure(type)) {
        const state = get(current);
        state.status = "failed";
        state.failurePending = true;
        if (details.error !== undefined) state.error = details.error;
        if (details.cause !== undefined) state.cause = details.cause;
      } else if (current !== null && isStateProgress(type) && get(current).failurePending) {
        const state = get(current);
        state.status = "running";
        state.failurePending = false;
        state.retries += 1;
      } else if (type.startsWith("Execution") && /(Failed|TimedOut|Aborted)$/.test(type) && current !== null) {
        const state = get(current);
        if (type === "ExecutionFailed") {
          state.status = "failed";
          if (state.error === null && details.error !== undefined) state.error = details.error;
          if (state.cause === null && details.cause !== undefined) state.cause = details.cause;
        } else if (state.status === "running") {
          state.status = "entered";
        }
      }
      const owner = details.name !== undefined && /State(Entered|Exited)$/.test(type) ? details.name : current;
      if (owner !== null && owner !== undefined) {
        eventState.set(event.id, owner);
        get(owner).events.push(event.id);
      }
      if (type.endsWith("StateExited")) current = null;
      ownerOf.set(event.id, current);
    }
    if (executionStatus && executionStatus !== "RUNNING") {
      for (const state of states.values()) if (state.status === "running") state.status = "entered";
    }
    return {states, eventState};
  }

  // --- nested states: Parallel branches and Map iterations run as units with their own history -----------

  /** The graph scope of each unit (`root`, `root/Fan#2`, `root/Each#items`...), from the units list. */
  function unitScopes(units) {
    const scopes = new Map();
    for (const unit of units) {
      if (!unit.parent) {
        scopes.set(unit.unit, "root");
      } else if (scopes.has(unit.parent)) {
        const base = `${scopes.get(unit.parent)}/${unit.state}`;
        scopes.set(unit.unit, unit.kind === "map" ? `${base}#items` : `${base}#${unit.index + 1}`);
      }
    }
    return scopes;
  }

  const joinOf = (unit) => unit.unit.slice(0, unit.unit.lastIndexOf("."));

  /**
   * Group the child units by graph scope, keeping each scope's latest fan-out only (a retried or re-entered
   * Parallel or Map starts a new one), and choose whose histories to read: every unit of a small fan-out,
   * one of a big Map (its first failed iteration, else its last), UNIT_FETCH_MAX in all.
   */
  function planUnits(units) {
    const scopes = unitScopes(units);
    const groups = new Map(); // scope -> {join, units, kind, shown}
    for (const unit of units) {
      const scope = scopes.get(unit.unit);
      if (!unit.parent || !scope) continue;
      const join = joinOf(unit);
      let group = groups.get(scope);
      if (!group || group.join !== join) groups.set(scope, group = {join, units: [], kind: unit.kind, big: false});
      group.units.push(unit);
    }
    const wanted = [];
    for (const group of groups.values()) {
      group.big = group.kind === "map" && group.units.length > MAP_DETAIL_MAX;
      const failed = group.units.find((unit) => unit.status !== "SUCCEEDED" && unit.status !== "RUNNING");
      group.representative = failed || group.units[group.units.length - 1];
      group.picked = group.big ? [group.representative] : group.units;
      wanted.push(...group.picked);
    }
    return {scopes, groups, fetch: wanted.slice(0, UNIT_FETCH_MAX)};
  }

  const STATUS_RANK = {failed: 5, running: 4, entered: 3, caught: 2, exited: 1, none: 0};

  /** The derived states of one child unit: a unit that failed leaves its last state failed. */
  function deriveUnitStates(events, unitStatus) {
    const derived = deriveStates(events, unitStatus);
    if (unitStatus !== "RUNNING" && unitStatus !== "SUCCEEDED") {
      for (const state of derived.states.values()) {
        if (state.status === "entered" || state.status === "running") {
          state.status = unitStatus === "FAILED" ? "failed" : "entered";
        }
      }
    }
    return derived;
  }

  /** What each nested node shows: its status (worst over the scope's read units) and the unit to detail. */
  function nestedStates(plan, histories) {
    const byNode = new Map(); // node id -> {status, state, unit, group}
    for (const [scope, group] of plan.groups) {
      const read = group.units.filter((unit) => histories.has(unit.unit));
      // The representative first (its details win), then the others from the last back.
      read.reverse();
      read.sort((a, b) => (b === group.representative) - (a === group.representative));
      for (const unit of read) {
        const derived = histories.get(unit.unit);
        for (const [name, state] of derived.states) {
          const id = `${scope}/${name}`;
          const known = byNode.get(id);
          if (!known) {
            byNode.set(id, {status: state.status, state, unit, group});
          } else if (STATUS_RANK[state.status] > STATUS_RANK[known.status]) {
            known.status = state.status;
          }
        }
      }
    }
    return byNode;
  }

  function mapCounts(group) {
    const count = (status) => group.units.filter((unit) => unit.status === status).length;
    const parts = [`${count("SUCCEEDED")} \u2713`, `${count("FAILED")} \u2717`];
    if (count("RUNNING")) parts.push(`${count("RUNNING")} running`);
    const other = group.units.length - count("SUCCEEDED") - count("FAILED") - count("RUNNING");
    if (other) parts.push(`${other} stopped`);
    return parts.join(" / ");
  }

  // --- views --------------------------------------------------------------------------------------------

  function facts(pairs) {
    return h("dl", {class: "cf-facts"}, pairs.filter((pair) => pair[1] !== null && pair[1] !== undefined && pair[1] !== "")
      .map(([label, value, testid]) => [h("dt", {text: label}), h("dd", {"data-testid": testid || null}, value)]));
  }

  function jsonBlock(text, testid) {
    return h("pre", {class: "cf-json", "data-testid": testid || null, text: pretty(text)});
  }

  async function flowsView(gen) {
    setNav("flows");
    const table = h("tbody");
    const more = h("button", {type: "button", hidden: true}, "More");
    const status = h("p", {class: "cf-muted", text: "Loading\u2026"});
    main.replaceChildren(h("h1", {text: "Flows"}), status,
      h("table", {class: "cf-table", "data-testid": "flows"},
        h("thead", {}, h("tr", {}, h("th", {text: "Name"}), h("th", {text: "Created"}), h("th", {text: "Updated"}),
          h("th", {text: ""}))), table),
      h("p", {}, more));
    let token = null;
    const load = async () => {
      try {
        const page = await api("flows", {maxResults: PAGE_SIZE, nextToken: token});
        if (gen !== generation) return;
        for (const flow of page.flows || []) {
          table.append(h("tr", {"data-testid": "flow-row", "data-flow": flow.name},
            h("td", {}, h("a", {href: `#/flows/${pathPart(flow.name)}`, text: flow.name})),
            h("td", {text: when(flow.creationDate)}),
            h("td", {text: when(flow.updateDate)}),
            h("td", {}, h("a", {href: `#/executions?flow=${pathPart(flow.name)}`, text: "Executions"}))));
        }
        token = page.nextToken || null;
        more.hidden = !token;
        status.textContent = table.children.length ? "" : "No flows yet: create one with POST /flows.";
      } catch (error) {
        if (gen === generation) status.replaceWith(errorBox(error));
      }
    };
    more.addEventListener("click", load);
    await load();
  }

  /** A flow's executions with the status chips; `hrefFor(status)` is where a chip leads. */
  function executionsTable(gen, flow, status, hrefFor) {
    const rows = h("tbody");
    const note = h("p", {class: "cf-muted", text: "Loading\u2026"});
    const more = h("button", {type: "button", hidden: true}, "More");
    const chips = h("div", {class: "cf-toolbar", "data-testid": "status-filters"},
      h("label", {text: "Status:"}),
      [null, ...STATUSES].map((value) => h("a", {class: `cf-chip${value === status ? " cf-active" : ""}`,
        href: hrefFor(value), "data-testid": "status-filter", "data-status": value || "ALL", text: value || "All"})));
    const element = h("div", {}, chips,
      h("table", {class: "cf-table", "data-testid": "executions"},
        h("thead", {}, h("tr", {}, h("th", {text: "Name"}), h("th", {text: "Status"}), h("th", {text: "Started"}),
          h("th", {text: "Stopped"}))), rows),
      note, h("p", {}, more));
    let token = null;
    const load = async () => {
      try {
        const page = await api("executions", {flow, status, maxResults: PAGE_SIZE, nextToken: token});
        if (gen !== generation) return;
        for (const execution of page.executions || []) {
          rows.append(h("tr", {"data-testid": "execution-row", "data-status": execution.status,
            "data-name": execution.name},
          h("td", {}, h("a", {href: `#/executions/${pathPart(execution.executionArn)}`, text: execution.name})),
          h("td", {}, statusBadge(execution.status)),
          h("td", {text: when(execution.startDate)}),
          h("td", {text: when(execution.stopDate)})));
        }
        token = page.nextToken || null;
        more.hidden = !token;
        note.textContent = rows.children.length ? "" : `No ${status ? status + " " : ""}executions.`;
      } catch (error) {
        if (gen === generation) note.replaceChildren(errorBox(error));
      }
    };
    more.addEventListener("click", load);
    load();
    return element;
  }

  async function executionsView(gen, query) {
    setNav("executions");
    const heading = h("h1", {text: "Executions"});
    main.replaceChildren(heading, h("p", {class: "cf-muted", text: "Loading\u2026"}));
    let flows;
    try {
      flows = await allFlows();
    } catch (error) {
      if (gen === generation) main.replaceChildren(heading, errorBox(error));
      return;
    }
    if (gen !== generation) return;
    if (!flows.length) {
      main.replaceChildren(heading, h("p", {class: "cf-muted", text: "No flows yet: create one with POST /flows."}));
      return;
    }
    const flow = query.get("flow") || flows[0].name;
    const status = STATUSES.includes(query.get("status")) ? query.get("status") : null;
    const picker = h("select", {"data-testid": "flow-picker",
      onchange: (event) => { window.location.hash = `#/executions?flow=${pathPart(event.target.value)}`; }},
    flows.map((f) => h("option", {value: f.name, selected: f.name === flow, text: f.name})));
    const hrefFor = (value) => `#/executions?flow=${pathPart(flow)}${value ? "&status=" + value : ""}`;
    main.replaceChildren(heading,
      h("div", {class: "cf-toolbar"}, h("label", {text: "Flow:"}), picker,
        h("a", {href: `#/flows/${pathPart(flow)}`, text: "graph and definition"})),
      executionsTable(gen, flow, status, hrefFor));
  }

  async function flowView(gen, name, query) {
    setNav("flows");
    const heading = h("h1", {}, "Flow ", h("span", {"data-testid": "flow-name", text: name}));
    const graphBox = h("div", {}, h("p", {class: "cf-muted", text: "Laying out\u2026"}));
    const panel = h("div", {class: "cf-card cf-panel", "data-testid": "state-panel"},
      h("p", {class: "cf-empty", text: "Click a state to see its definition."}));
    main.replaceChildren(heading, h("p", {class: "cf-muted", text: "Loading\u2026"}));
    let flow;
    try {
      flow = await api(`flows/${pathPart(name)}`);
    } catch (error) {
      if (gen === generation) main.replaceChildren(heading, errorBox(error));
      return;
    }
    if (gen !== generation) return;
    const status = STATUSES.includes(query.get("status")) ? query.get("status") : null;
    const hrefFor = (value) => `#/flows/${pathPart(name)}${value ? "?status=" + value : ""}`;
    const aliases = Object.entries(flow.aliases || {}).map(([alias, version]) => `${alias} \u2192 ${version}`).join(", ");
    main.replaceChildren(heading,
      h("div", {class: "cf-card"}, facts([["ARN", flow.stateMachineArn], ["Version", flow.version],
        ["Aliases", aliases], ["Created", when(flow.creationDate)], ["Updated", when(flow.updateDate)]])),
      h("div", {class: "cf-split"}, h("div", {class: "cf-card"}, graphBox), panel),
      h("details", {class: "cf-card"}, h("summary", {text: "Definition"}), jsonBlock(flow.definition, "definition")),
      h("h2", {text: "Executions"}),
      executionsTable(gen, name, status, hrefFor));
    try {
      const asl = await aslOf(flow.definition);
      if (gen !== generation) return;
      const graph = await drawGraph(asl, graphBox);
      graph.onSelect = (stateName) => {
        const info = graph.states.get(stateName);
        panel.replaceChildren(h("h3", {text: stateName}), facts([["Type", info.type]]),
          jsonBlock(JSON.stringify(info.state), "state-definition"));
      };
    } catch (error) {
      if (gen === generation) graphBox.replaceChildren(errorBox(error, "graph-error"));
    }
  }

  async function executionView(gen, arn) {
    setNav("executions");
    const view = {describe: null, derived: null, events: [], graph: null, graphFor: null, selected: null,
      selectedNode: null, openEvents: new Set(), plan: null, nested: new Map(), nestedStates: new Map(), ended: new Map()};
    const heading = h("div", {class: "cf-exec-head"});
    const summary = h("div", {class: "cf-card", "data-testid": "execution-summary"});
    const problem = h("div");
    const graphNote = h("div");
    const graphBox = h("div", {}, h("p", {class: "cf-muted", text: "Laying out\u2026"}));
    const panel = h("div", {class: "cf-card cf-panel", "data-testid": "state-panel"});
    const timeline = h("tbody");
    const timelineNote = h("p", {class: "cf-muted"});
    main.replaceChildren(heading, problem, summary,
      h("div", {class: "cf-split"}, h("div", {class: "cf-card"}, legend(), graphNote, graphBox), panel),
      h("h2", {text: "History"}), timelineNote,
      h("table", {class: "cf-table cf-events", "data-testid": "history"},
        h("thead", {}, h("tr", {}, h("th", {text: "#"}), h("th", {text: "Time (UTC)"}), h("th", {text: "Type"}),
          h("th", {text: "State"}), h("th", {text: "Details"}))), timeline));

    const renderSummary = () => {
      const d = view.describe;
      const flowName = String(d.stateMachineArn || "").split(":")[6] || "";
      fill(heading, h("h1", {"data-testid": "execution-name", text: d.name}),
        statusBadge(d.status, "execution-status"),
        d.status === "RUNNING" ? h("span", {class: "cf-refresh", "data-testid": "refreshing",
          text: `refreshing every ${REFRESH_MS / 1000} s`}) : null);
      fill(summary, facts([
        ["Flow", h("a", {href: `#/flows/${pathPart(flowName)}`, text: flowName})],
        ["Execution ARN", d.executionArn],
        ["Version", d.version],
        ["Started", when(d.startDate)],
        ["Stopped", when(d.stopDate)],
        ["Transitions", String(d.transitions), "transitions"],
        ["Max transitions", d.maxTransitions === undefined ? null : String(d.maxTransitions)],
        ["Redrives", d.redriveCount ? `${d.redriveCount}, last ${when(d.redriveDate)}` : null, "redrives"],
        ["Parent", d.parentExecutionArn ? h("a", {href: `#/executions/${pathPart(d.parentExecutionArn)}`,
          text: d.parentExecutionArn}) : null],
      ]),
      h("details", {}, h("summary", {text: "Execution input"}), jsonBlock(d.input, "execution-input")),
      d.output !== undefined ? h("details", {}, h("summary", {text: "Execution output"}),
        jsonBlock(d.output, "execution-output")) : null);
      problem.replaceChildren();
      if (d.error !== undefined || d.cause !== undefined) {
        problem.append(h("div", {class: "cf-error", "data-testid": "execution-error"},
          h("strong", {text: "Error: "}), h("span", {"data-testid": "execution-error-name", text: d.error || ""}),
          d.cause !== undefined ? ["\n", h("strong", {text: "Cause: "}),
            h("span", {"data-testid": "execution-cause", text: d.cause})] : null));
      }
    };

    const unitLabel = (shown) => {
      const {unit, group} = shown;
      if (unit.kind !== "map") return `Branch ${unit.index + 1} of ${unit.state}`;
      const which = group.units.length > 1
        ? (unit === group.representative && unit.status !== "SUCCEEDED" && unit.status !== "RUNNING"
          ? " (the first failed)" : unit === group.representative ? " (the last)" : "") : "";
      return `Iteration ${unit.index} of ${group.units.length}${which}`;
    };

    const notEntered = (info, node) => {
      const nested = info && info.scope !== "root";
      if (!nested) return "This state was not entered (yet).";
      const plan = view.plan;
      const scope = node ? node.slice(0, node.lastIndexOf("/")) : null;
      const group = plan && scope ? plan.groups.get(scope) : null;
      if (!group) return "Not entered (yet): no branch or iteration has reached the Parallel or Map holding it.";
      if (!group.units.some((unit) => view.nested.has(unit.unit))) {
        return `Not read: the console reads the histories of ${UNIT_FETCH_MAX} branches and iterations at most.`;
      }
      return group.big ? "Not entered in the iteration shown (the first failed, else the last)."
        : "Not entered in any branch or iteration (yet).";
    };

    const renderPanel = () => {
      const name = view.selected;
      if (!name) {
        panel.replaceChildren(h("p", {class: "cf-empty", text: "Click a state to see its input, output, error and cause."}));
        return;
      }
      const node = view.selectedNode || `root/${name}`;
      const entry = view.graph ? view.graph.nodes.get(node) : null;
      const info = entry ? entry.info : view.graph ? view.graph.states.get(name) : null;
      const atRoot = !info || info.scope === "root";
      const shown = atRoot ? null : view.nestedStates.get(node);
      const state = shown ? shown.state : atRoot ? view.derived.states.get(name) : null;
      const status = shown ? shown.status : state ? state.status : "none";
      if (state && state.status === "failed" && state.error === null && info && info.type === "Fail") {
        state.error = info.state.Error ?? null; // a Fail state in a branch: no ExecutionFailed names its error
        state.cause = info.state.Cause ?? null;
      }
      const rows = [h("h3", {"data-testid": "state-name", text: name}),
        facts([["Type", info ? info.type : null], ["Status", status, "state-status"],
          ["Unit", shown ? unitLabel(shown) : null, "state-unit"],
          ["Entered", state ? `${state.entered} time(s)` : "never"],
          ["Retries", state && state.retries ? String(state.retries) : null]])];
      if (!state) {
        rows.push(h("p", {class: "cf-empty", "data-testid": "state-not-entered", text: notEntered(info, node)}));
      } else {
        rows.push(h("h3", {text: "Input"}), state.input !== null ? jsonBlock(state.input, "state-input")
          : h("p", {class: "cf-empty", text: "\u2014"}));
        rows.push(h("h3", {text: "Output"}), state.output !== null ? jsonBlock(state.output, "state-output")
          : h("p", {class: "cf-empty", text: state.status === "running" ? "(running)" : "\u2014"}));
        if (state.error !== null || state.cause !== null) {
          rows.push(h("h3", {text: "Error"}), h("pre", {class: "cf-json", "data-testid": "state-error", text: state.error || ""}));
          rows.push(h("h3", {text: "Cause"}), jsonBlock(state.cause, "state-cause"));
        }
      }
      fill(panel, rows);
    };

    const select = (name, node) => {
      view.selected = name;
      view.selectedNode = node || (name ? `root/${name}` : null);
      if (view.graph) view.graph.select(name, view.selectedNode);
      renderPanel();
      for (const row of timeline.children) {
        row.classList.toggle("cf-selected", name !== null && row.getAttribute("data-state") === name);
      }
    };

    const renderTimeline = (truncated) => {
      const first = view.events.length ? Date.parse(view.events[0].timestamp) : NaN;
      timeline.replaceChildren(...view.events.map((event) => {
        const type = String(event.type || "");
        const details = detailsOf(event);
        const owner = view.derived.eventState.get(event.id) || null;
        const elapsed = Date.parse(event.timestamp) - first;
        const kind = /(Failed|TimedOut|Aborted)$/.test(type) ? "failed" : /Succeeded$/.test(type) ? "succeeded" : "";
        const row = h("tr", {class: `cf-clickable${kind ? " cf-ev-" + kind : ""}${view.openEvents.has(event.id) ? " cf-open" : ""}`,
          "data-testid": "history-event", "data-type": type, "data-state": owner},
        h("td", {class: "cf-ev-id", text: event.id}),
        h("td", {class: "cf-ev-time", text: clock(event.timestamp) + (Number.isFinite(elapsed) ? ` (+${(elapsed / 1000).toFixed(3)} s)` : "")}),
        h("td", {class: "cf-ev-type", text: type}),
        h("td", {text: owner || ""}),
        h("td", {class: "cf-ev-detail", text: details ? JSON.stringify(details) : ""}));
        row.addEventListener("click", () => {
          row.classList.toggle("cf-open");
          if (row.classList.contains("cf-open")) view.openEvents.add(event.id); else view.openEvents.delete(event.id);
          if (owner) select(owner);
        });
        return row;
      }));
      timelineNote.textContent = `${view.events.length} event(s)${truncated ? " (the first " + HISTORY_MAX_EVENTS + " only)" : ""}.`;
      if (view.selected) select(view.selected);
    };

    const ensureGraph = async (d) => {
      if (view.graphFor === d.version) return;
      view.graphFor = d.version;
      const flowName = String(d.stateMachineArn || "").split(":")[6] || "";
      try {
        const flow = await api(`flows/${pathPart(flowName)}`);
        if (gen !== generation) return;
        if (flow.version !== d.version) {
          graphNote.replaceChildren(h("p", {class: "cf-note", "data-testid": "graph-version-note",
            text: `This execution runs version ${d.version}; the graph shows the flow's current version ` +
              `${flow.version}.`}));
        }
        const asl = await aslOf(flow.definition);
        if (gen !== generation) return;
        view.graph = await drawGraph(asl, graphBox);
        view.graph.onSelect = (name, node) => select(name, node);
      } catch (error) {
        if (gen === generation) graphBox.replaceChildren(errorBox(error, "graph-error"));
      }
    };

    /** The units and the histories of those planned (ended units are read once). */
    const readUnits = async () => {
      const {units} = await api(`executions/${pathPart(arn)}/units`);
      const plan = planUnits(units || []);
      const histories = new Map();
      const queue = [...plan.fetch];
      const worker = async () => {
        while (queue.length) {
          const unit = queue.shift();
          let derived = view.ended.get(unit.unit);
          if (!derived) {
            const history = await historyOf(arn, unit.unit, UNIT_MAX_EVENTS);
            derived = deriveUnitStates(history.events, unit.status);
            if (unit.status !== "RUNNING") view.ended.set(unit.unit, derived);
          }
          histories.set(unit.unit, derived);
        }
      };
      await Promise.all(Array.from({length: 6}, worker));
      return {plan, histories};
    };

    const refresh = async () => {
      refreshTimer = null;
      try {
        const [described, history, nested] = await Promise.all([api(`executions/${pathPart(arn)}`), historyOf(arn),
          readUnits()]);
        if (gen !== generation) return;
        view.describe = described;
        view.events = history.events;
        view.derived = deriveStates(history.events, described.status);
        view.plan = nested.plan;
        view.nested = nested.histories;
        view.nestedStates = nestedStates(nested.plan, nested.histories);
        await ensureGraph(described);
        if (gen !== generation) return;
        renderSummary();
        if (view.graph) {
          view.graph.setStatuses((id, info) => {
            if (info.scope === "root") {
              const state = view.derived.states.get(info.name);
              return state ? state.status : "none";
            }
            const shown = view.nestedStates.get(id);
            return shown ? shown.status : "none";
          });
          view.graph.setCounts((id) => {
            const group = view.plan.groups.get(`${id}#items`);
            return group ? mapCounts(group) : null;
          });
        }
        renderTimeline(history.truncated);
        renderPanel();
        main.setAttribute("data-execution-status", described.status);
        if (described.status === "RUNNING") refreshTimer = window.setTimeout(refresh, REFRESH_MS);
      } catch (error) {
        if (gen !== generation) return;
        problem.replaceChildren(errorBox(error));
        // A network failure or a 5xx may pass: try again while the execution may still run. A 4xx will not.
        const transient = !(error instanceof ApiError) || error.status >= 500;
        if (transient && (!view.describe || view.describe.status === "RUNNING")) {
          refreshTimer = window.setTimeout(refresh, REFRESH_MS * 2);
        }
      }
    };
    renderPanelPlaceholder(panel);
    await refresh();
  }

  function renderPanelPlaceholder(panel) {
    panel.replaceChildren(h("p", {class: "cf-empty", text: "Click a state to see its input, output, error and cause."}));
  }

  // --- routing ------------------------------------------------------------------------------------------

  function route() {
    generation += 1;
    const gen = generation;
    if (refreshTimer !== null) {
      window.clearTimeout(refreshTimer);
      refreshTimer = null;
    }
    main.removeAttribute("data-execution-status");
    const raw = window.location.hash.replace(/^#\/?/, "");
    const cut = raw.indexOf("?");
    const path = cut < 0 ? raw : raw.slice(0, cut);
    const query = new URLSearchParams(cut < 0 ? "" : raw.slice(cut + 1));
    let segments;
    try {
      segments = path.split("/").filter((part) => part !== "").map((part) => decodeURIComponent(part));
    } catch {
      segments = ["?"];
    }
    const [section, item] = segments;
    let view;
    if (!section || (section === "flows" && item === undefined)) view = flowsView(gen);
    else if (section === "flows") view = flowView(gen, item, query);
    else if (section === "executions" && item === undefined) view = executionsView(gen, query);
    else if (section === "executions") view = executionView(gen, item);
    else {
      main.replaceChildren(h("h1", {text: "Not found"}), h("p", {}, h("a", {href: "#/flows", text: "Flows"})));
      return;
    }
    view.catch((error) => { if (gen === generation) main.append(errorBox(error)); });
  }

  window.addEventListener("hashchange", route);
  route();
})();
