// The embedlab page: POST /predict with explain, GET /neighbours, GET /info.
// Every text from the user or the server reaches the page through textContent,
// never innerHTML, so nothing typed is ever run as markup.
"use strict";

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function showError(message) {
  document.getElementById("error").textContent = message || "";
}

async function getJSON(response) {
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.message || response.statusText);
  return body;
}

function tokenColour(share) {
  const alpha = Math.min(1, Math.abs(share)) * 0.6;
  return share >= 0 ? `rgba(0, 150, 60, ${alpha})` : `rgba(200, 30, 30, ${alpha})`;
}

function renderPrediction(text, prediction) {
  const box = el("div", "result");
  const label = Array.isArray(prediction.label) ? prediction.label.join(", ") : prediction.label;
  const head = el("div");
  head.append(el("span", "label", label));
  head.append(el("span", "muted", text));
  box.append(head);
  const bars = el("div", "bars");
  for (const [name, p] of Object.entries(prediction.probabilities)) {
    const bar = el("div", "bar");
    bar.append(el("span", "name", name));
    const fill = el("span", "fill");
    fill.style.width = `${(100 * p).toFixed(1)}%`;
    fill.style.maxWidth = "20rem";
    bar.append(fill);
    bar.append(el("span", "prob", p.toFixed(3)));
    bars.append(bar);
  }
  box.append(bars);
  const explanation = prediction.explanation;
  const tokens = el("div", "tokens");
  if (explanation && explanation.tokens.length) {
    const strongest = Math.max(...explanation.tokens.map((t) => Math.abs(t.contribution))) || 1;
    for (const token of explanation.tokens) {
      const span = el("span", token.known ? "token" : "token unknown", token.token);
      const share = token.contribution / strongest;
      span.dataset.contribution = String(token.contribution);
      if (token.known) span.style.background = tokenColour(share);
      span.title = token.known
        ? `${token.contribution >= 0 ? "+" : ""}${token.contribution.toFixed(2)} log-odds of ${explanation.label}`
        : "not in the vocabulary";
      span.addEventListener("click", () => lookUp(token.token));
      tokens.append(span, document.createTextNode(" "));
    }
  } else {
    tokens.append(el("span", "muted", "(no words to explain)"));
  }
  box.append(tokens);
  return box;
}

async function classify() {
  showError("");
  const texts = document.getElementById("texts").value.split("\n").filter((t) => t.trim());
  const results = document.getElementById("results");
  if (!texts.length) {
    showError("Type a text first.");
    return;
  }
  try {
    const response = await fetch("/predict", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ texts, explain: true }),
    });
    const body = await getJSON(response);
    results.replaceChildren(...body.predictions.map((p, i) => renderPrediction(texts[i], p)));
  } catch (error) {
    showError(String(error.message || error));
  }
}

function neighbourTable(heading, pairs) {
  const table = el("table");
  const head = el("tr");
  head.append(el("th", null, heading), el("th", null, "cosine"));
  table.append(head);
  for (const [word, score] of pairs) {
    const row = el("tr");
    row.append(el("td", null, word), el("td", null, score.toFixed(3)));
    table.append(row);
  }
  return table;
}

async function lookUp(word) {
  const box = document.getElementById("neighbours");
  document.getElementById("word").value = word;
  try {
    const response = await fetch(`/neighbours?topn=8&word=${encodeURIComponent(word)}`);
    const body = await getJSON(response);
    box.replaceChildren();
    for (const missing of body.missing) {
      box.append(el("p", "muted", `${missing}: not in the vocabulary`));
    }
    for (const entry of body.words) {
      const row = el("div", "neighbour-tables");
      row.style.display = "flex";
      row.style.gap = "2rem";
      if (entry.before) row.append(neighbourTable(body.before, entry.before));
      row.append(neighbourTable(body.after, entry.after));
      box.append(el("h3", null, entry.word), row);
    }
  } catch (error) {
    box.replaceChildren(el("p", "error", String(error.message || error)));
  }
}

async function showInfo() {
  try {
    const info = await getJSON(await fetch("/info"));
    const vectors = info.vectors ? `, ${info.vectors}` : "";
    document.getElementById("model-info").textContent =
      `${info.model} (${info.mode}${vectors}); labels: ${info.labels.join(", ")}`;
  } catch (error) {
    document.getElementById("model-info").textContent = String(error.message || error);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("classify").addEventListener("click", classify);
  document.getElementById("neighbours-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const word = document.getElementById("word").value.trim();
    if (word) lookUp(word);
  });
  showInfo();
});
