#!/usr/bin/env python3
"""Writes config/kibana/rtcrypto.ndjson: the Kibana 8 saved objects for rtcrypto's index.

Run from the repository root after editing; the ndjson is what `rtcrypto kibana-setup` imports.
Charts are Vega-Lite (they query the index directly, so no Lens internals are needed)."""
import json

INDEX = "gemini*"
IP_ID = "rtcrypto-gemini-index-pattern"


def vega(doc_type, fields, layers, title, size=10000, extra_transform=()):
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": title,
        "data": {
            "url": {
                "%context%": True,
                "%timefield%": "timestamp",
                "index": INDEX,
                "body": {"size": size, "sort": [{"timestamp": "asc"}],
                         "_source": ["timestamp"] + fields,
                         "query_filter_doc_type": doc_type},
            },
            "format": {"property": "hits.hits"},
        },
        "transform": [{"calculate": "toDate(datum._source.timestamp)", "as": "time"}] + list(extra_transform),
        "layer": layers,
    }
    # Vega's %context% takes the dashboard's query and time; the doc_type filter goes in a
    # filter on the saved object's search source instead of the body.
    del spec["data"]["url"]["body"]["query_filter_doc_type"]
    return spec


def vis(vid, title, spec, doc_type):
    search = {"query": {"query": f'doc_type:"{doc_type}"', "language": "kuery"}, "filter": []}
    return {
        "id": vid, "type": "visualization", "coreMigrationVersion": "8.8.0",
        "attributes": {
            "title": title,
            "visState": json.dumps({"title": title, "type": "vega",
                                    "params": {"spec": json.dumps(spec, indent=2)}, "aggs": []}),
            "uiStateJSON": "{}", "description": "rtcrypto", "version": 1,
            "kibanaSavedObjectMeta": {"searchSourceJSON": json.dumps(search)},
        },
        "references": [],
    }


T = {"field": "time", "type": "temporal", "title": "time"}
objects = [{
    "id": IP_ID, "type": "index-pattern", "coreMigrationVersion": "8.8.0",
    "attributes": {"title": INDEX, "timeFieldName": "timestamp", "name": "rtcrypto gemini"},
    "references": [],
}]

profit = vega("score", ["profit", "fees", "symbol"], [
    {"mark": {"type": "line", "point": True, "interpolate": "step-after"},
     "encoding": {"x": T, "y": {"field": "cumulative", "type": "quantitative", "title": "cumulative profit (quote)"}}},
], "Cumulative profit",
    extra_transform=[{"calculate": "datum._source.profit", "as": "profit"},
                     {"window": [{"op": "sum", "field": "profit", "as": "cumulative"}], "sort": [{"field": "time"}]}])
objects.append(vis("rtcrypto-cumulative-profit", "rtcrypto: cumulative profit", profit, "score"))

ratio = vega("price_volume", ["value", "symbol"], [
    {"data": {"values": [{"lo": 0.1, "hi": 2}]}, "mark": {"type": "rect", "opacity": 0.15, "color": "green"},
     "encoding": {"y": {"field": "lo", "type": "quantitative"}, "y2": {"field": "hi"}}},
    {"mark": {"type": "line", "point": True},
     "encoding": {"x": T, "y": {"field": "ratio", "type": "quantitative", "title": "ask / bid"},
                  "color": {"field": "symbol", "type": "nominal"}}},
    {"data": {"values": [{"band": 0.1}, {"band": 2}]}, "mark": {"type": "rule", "strokeDash": [4, 4], "color": "green"},
     "encoding": {"y": {"field": "band", "type": "quantitative"}}},
], "Liquidity ratio per window (trading band 0.1 - 2)",
    extra_transform=[{"calculate": "datum._source.value", "as": "ratio"},
                     {"calculate": "datum._source.symbol", "as": "symbol"}])
objects.append(vis("rtcrypto-liquidity-ratio", "rtcrypto: liquidity ratio with band", ratio, "price_volume"))

price = vega("ticker or order", ["doc_type", "last", "bid", "ask", "side", "price", "avg_execution_price"], [
    {"transform": [{"filter": "datum.doc_type == 'ticker'"}], "mark": "line",
     "encoding": {"x": T, "y": {"field": "px", "type": "quantitative", "title": "price", "scale": {"zero": False}}}},
    {"transform": [{"filter": "datum.doc_type == 'order'"}],
     "mark": {"type": "point", "filled": True, "size": 120},
     "encoding": {"x": T, "y": {"field": "px", "type": "quantitative"},
                  "shape": {"field": "side", "type": "nominal", "scale": {"domain": ["buy", "sell"], "range": ["triangle-up", "triangle-down"]}},
                  "color": {"field": "side", "type": "nominal", "scale": {"domain": ["buy", "sell"], "range": ["green", "red"]}}}},
], "Price with buy and sell orders",
    extra_transform=[{"calculate": "datum._source.doc_type", "as": "doc_type"},
                     {"calculate": "datum._source.side", "as": "side"},
                     {"calculate": "datum._source.doc_type == 'order' ? (datum._source.avg_execution_price || datum._source.price) : (datum._source.last || (datum._source.bid + datum._source.ask) / 2)", "as": "px"}])
pv = vis("rtcrypto-price-orders", "rtcrypto: price with buy/sell markers", price, "ticker")
pv["attributes"]["kibanaSavedObjectMeta"]["searchSourceJSON"] = json.dumps(
    {"query": {"query": 'doc_type:"ticker" or doc_type:"order"', "language": "kuery"}, "filter": []})
objects.append(pv)

objects.append({
    "id": "rtcrypto-orders", "type": "search", "coreMigrationVersion": "8.8.0",
    "attributes": {
        "title": "rtcrypto: orders",
        "columns": ["symbol", "side", "price", "original_amount", "executed_amount", "avg_execution_price",
                    "is_cancelled", "reason", "client_order_id"],
        "sort": [["timestamp", "desc"]],
        "kibanaSavedObjectMeta": {"searchSourceJSON": json.dumps({
            "query": {"query": 'doc_type:"order"', "language": "kuery"}, "filter": [],
            "indexRefName": "kibanaSavedObjectMeta.searchSourceJSON.index"})},
    },
    "references": [{"name": "kibanaSavedObjectMeta.searchSourceJSON.index", "type": "index-pattern", "id": IP_ID}],
})

panels, refs = [], []
layout = [("rtcrypto-price-orders", "visualization", 0, 0, 48, 15),
          ("rtcrypto-cumulative-profit", "visualization", 0, 15, 24, 15),
          ("rtcrypto-liquidity-ratio", "visualization", 24, 15, 24, 15),
          ("rtcrypto-orders", "search", 0, 30, 48, 15)]
for i, (oid, typ, x, y, w, h) in enumerate(layout):
    name = f"panel_{i}"
    panels.append({"version": "8.8.0", "type": typ, "gridData": {"x": x, "y": y, "w": w, "h": h, "i": str(i)},
                   "panelIndex": str(i), "embeddableConfig": {"enhancements": {}}, "panelRefName": name})
    refs.append({"name": name, "type": typ, "id": oid})
objects.append({
    "id": "rtcrypto-dashboard", "type": "dashboard", "coreMigrationVersion": "8.8.0",
    "attributes": {
        "title": "rtcrypto", "description": "Real-time crypto trading: price and orders, profit, liquidity, orders",
        "panelsJSON": json.dumps(panels), "timeRestore": True, "timeFrom": "now-24h", "timeTo": "now",
        "refreshInterval": {"pause": False, "value": 10000},
        "optionsJSON": json.dumps({"useMargins": True, "syncColors": False, "hidePanelTitles": False}),
        "kibanaSavedObjectMeta": {"searchSourceJSON": json.dumps({"query": {"query": "", "language": "kuery"}, "filter": []})},
        "version": 1,
    },
    "references": refs,
})

with open("config/kibana/rtcrypto.ndjson", "w") as f:
    for o in objects:
        f.write(json.dumps(o, separators=(",", ":")) + "\n")
print(f"wrote {len(objects)} objects")
