#include "rtcrypto/web/dashboard.hpp"

namespace rtcrypto::web {

// One self-contained page: no CDN, no framework. Charts are drawn on <canvas> by the small
// Chart class below. /history.js (a plain script, so it is loaded before the first draw)
// gives what happened so far; /events (EventSource) carries everything after it.
std::string_view dashboard_page() {
  static const char* const kPage = R"HTML(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>rtcrypto dashboard</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<style>
body{font:13px/1.4 system-ui,sans-serif;margin:0;background:#10141a;color:#d8dee9}
header{display:flex;gap:16px;align-items:center;padding:8px 16px;background:#1b2029;flex-wrap:wrap}
header h1{font-size:16px;margin:0 12px 0 0}
.pill{padding:2px 8px;border-radius:10px;background:#2e3440}
.ok{background:#2f6f3e}.bad{background:#8a2d2d}.warn{background:#8a6d2d}
main{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:12px;padding:12px}
section{background:#1b2029;border-radius:6px;padding:8px}
section h2{font-size:13px;margin:0 0 6px;color:#88c0d0}
canvas{width:100%;height:220px;display:block}
table{width:100%;border-collapse:collapse;font-size:12px}
td,th{padding:2px 6px;border-bottom:1px solid #2e3440;text-align:right}
td:first-child,th:first-child{text-align:left}
.buy{color:#a3be8c}.sell{color:#bf616a}
#status td{text-align:left}
</style></head>
<body data-records="0" data-ready="0">
<header><h1>rtcrypto</h1>
<span id="conn" class="pill">connecting</span>
<span id="book" class="pill">book ?</span>
<span id="risk" class="pill">risk ?</span>
<span id="last" class="pill">no data yet</span></header>
<main>
<section><h2>Price, mid and orders (&#9650; buy, &#9660; sell)</h2><canvas id="price" data-points="0"></canvas></section>
<section><h2>Liquidity ratio per window (ask &divide; bid) and trading band</h2><canvas id="ratio" data-points="0"></canvas></section>
<section><h2>Signal per minute (+1 buy, &minus;1 sell)</h2><canvas id="signal" data-points="0"></canvas></section>
<section><h2>Cumulative PnL vs buy-and-hold</h2><canvas id="pnl" data-points="0"></canvas></section>
<section><h2>Balances</h2><table id="balances"><thead><tr><th>currency</th><th>amount</th><th>available</th></tr></thead><tbody></tbody></table>
<h2 style="margin-top:10px">State</h2><table id="status"><tbody></tbody></table></section>
<section><h2>Orders and fills</h2><table id="orders"><thead><tr><th>time</th><th>side</th><th>price</th><th>amount</th><th>executed</th><th>state</th></tr></thead><tbody></tbody></table></section>
</main>
<script src="/history.js"></script>
<script>
"use strict";
const MAXP = 5000;
function num(v){ if(v===null||v===undefined||v==="") return null; const n=Number(v); return isFinite(n)?n:null; }
function fmt(v,d){ if(v===null||v===undefined) return ""; const a=Math.abs(v); return v.toFixed(d!==undefined?d:(a>=1000?2:a>=1?4:6)); }
function tstr(t){ return new Date(t).toISOString().substring(11,19); }

class Chart {
  constructor(id){ this.c=document.getElementById(id); this.series=[]; this.bands=[]; }
  add(name,color,kind){ const s={name,color,kind:kind||"line",pts:[]}; this.series.push(s); return s; }
  push(s,t,v,extra){ if(t===null||v===null) return; s.pts.push([t,v,extra]); if(s.pts.length>MAXP) s.pts.shift(); }
  count(){ return this.series.reduce((n,s)=>n+s.pts.length,0); }
  draw(){
    const c=this.c, dpr=window.devicePixelRatio||1, W=c.clientWidth||600, H=c.clientHeight||220;
    c.width=W*dpr; c.height=H*dpr; const g=c.getContext("2d"); g.scale(dpr,dpr);
    g.clearRect(0,0,W,H); c.setAttribute("data-points", String(this.count()));
    let x0=Infinity,x1=-Infinity,y0=Infinity,y1=-Infinity;
    for(const s of this.series) for(const p of s.pts){ x0=Math.min(x0,p[0]); x1=Math.max(x1,p[0]); y0=Math.min(y0,p[1]); y1=Math.max(y1,p[1]); }
    for(const b of this.bands){ if(isFinite(y0)){ y0=Math.min(y0,b.lo); y1=Math.max(y1,b.hi);} }
    g.fillStyle="#6b7385"; g.font="11px sans-serif";
    if(!isFinite(x0)){ g.fillText("waiting for data",10,20); return; }
    if(x1===x0){ x0-=30000; x1+=30000; } if(y1===y0){ y0-=1; y1+=1; }
    const pad=(y1-y0)*0.06; y0-=pad; y1+=pad;
    const L=64,R=8,T=8,B=18, X=t=>L+(t-x0)/(x1-x0)*(W-L-R), Y=v=>T+(y1-v)/(y1-y0)*(H-T-B);
    for(const b of this.bands){ g.fillStyle=b.color; g.fillRect(L,Y(b.hi),W-L-R,Y(b.lo)-Y(b.hi)); }
    g.strokeStyle="#2e3440"; g.beginPath(); for(let i=0;i<=4;i++){ const v=y0+(y1-y0)*i/4; g.moveTo(L,Y(v)); g.lineTo(W-R,Y(v)); g.fillStyle="#6b7385"; g.fillText(fmt(v),2,Y(v)+4);} g.stroke();
    g.fillText(tstr(x0),L,H-4); g.fillText(tstr(x1),W-R-50,H-4);
    let lx=L+4;
    for(const s of this.series){
      g.strokeStyle=s.color; g.fillStyle=s.color; g.lineWidth=1.4;
      if(s.kind==="line"||s.kind==="step"){
        g.beginPath(); let first=true, py=0;
        for(const p of s.pts){ const x=X(p[0]), y=Y(p[1]); if(first){g.moveTo(x,y);first=false;} else { if(s.kind==="step") g.lineTo(x,py); g.lineTo(x,y);} py=y; }
        g.stroke();
      } else {
        for(const p of s.pts){ const x=X(p[0]), y=Y(p[1]), up=s.kind==="up";
          g.beginPath(); g.moveTo(x,y+(up?-7:7)); g.lineTo(x-5,y+(up?3:-3)); g.lineTo(x+5,y+(up?3:-3)); g.closePath();
          if(p[2]) g.fill(); else g.stroke(); }
      }
      g.fillText(s.name,lx,T+10); lx+=g.measureText(s.name).width+14;
    }
  }
}

const price=new Chart("price"), ratio=new Chart("ratio"), signal=new Chart("signal"), pnl=new Chart("pnl");
const sMid=price.add("mid","#88c0d0"), sLast=price.add("last","#5e81ac"), sBuy=price.add("buy","#a3be8c","up"), sSell=price.add("sell","#bf616a","down");
const sRatio=ratio.add("ask/bid","#ebcb8b"); const band={lo:0.1,hi:2,color:"rgba(163,190,140,0.15)"}; ratio.bands.push(band);
const sSignal=signal.add("signal","#b48ead","step");
const sPnl=pnl.add("strategy","#a3be8c"), sHold=pnl.add("buy and hold","#5e81ac");
const balances={}, orders=[], state={};
let records=0, lastId=0, cumProfit=0, firstPrice=null, startEquity=null, dirty=false;

function onPrice(t,p){ if(p===null) return; if(firstPrice===null) firstPrice=p;
  const eq = startEquity!==null?startEquity:1000; price.push(sMid,t,p); pnl.push(sHold, t, eq*(p/firstPrice-1)); }
function onRecord(d){
  records++; const t=Date.parse(d.timestamp); const k=d.doc_type;
  if(k==="ticker"){ const b=num(d.bid), a=num(d.ask), l=num(d.last); if(b!==null&&a!==null) onPrice(t,(b+a)/2); else onPrice(t,l); if(l!==null) price.push(sLast,t,l); }
  else if(k==="ask"||k==="bid"||k==="price_volume"){ const m=num(d.mid); if(m!==null) onPrice(t,m); if(k==="price_volume") ratio.push(sRatio,t,num(d.value)); }
  else if(k==="decision"){ const s=String(d.signal||d.forecast||d.forecast_side||"").toLowerCase(); signal.push(sSignal,t,s==="buy"?1:s==="sell"?-1:0); const m=num(d.mid); if(m!==null) onPrice(t,m); }
  else if(k==="order"||k==="fill"){ const side=String(d.side||"").toLowerCase(); const p=num(d.avg_execution_price)||num(d.price); const filled=k==="fill"||num(d.executed_amount)>0;
    if(p!==null) price.push(side==="buy"?sBuy:sSell,t,p,filled);
    orders.unshift({t,side,price:p,amount:num(d.original_amount)||num(d.amount),exec:num(d.executed_amount),state:k==="fill"?"fill":(d.is_cancelled?"cancelled":(d.reason||(d.is_live?"live":"done")))}); if(orders.length>40) orders.pop(); }
  else if(k==="score"){ const c=num(d.cumulative_profit); cumProfit = c!==null?c:cumProfit+(num(d.profit)||0); pnl.push(sPnl,t,cumProfit); }
  else if(k==="balance"){ balances[d.currency]={amount:num(d.amount),available:num(d.available)};
    if(startEquity===null && String(d.currency).toUpperCase()==="USD") startEquity=num(d.amount); }
  if(k!=="score" && sPnl.pts.length===0 && firstPrice!==null) pnl.push(sPnl,t,0);
  dirty=true;
}
function pill(id,text,cls){ const e=document.getElementById(id); e.textContent=text; e.className="pill "+(cls||""); }
function onStatus(d){
  Object.assign(state,d);
  if(num(d.band_low)!==null) band.lo=num(d.band_low); if(num(d.band_high)!==null) band.hi=num(d.band_high);
  if(num(d.starting_equity)!==null) startEquity=num(d.starting_equity);
  if(d.connection!==undefined) pill("conn","feed "+d.connection, /^(up|connected|ok)$/i.test(d.connection)?"ok":"bad");
  if(d.book!==undefined) pill("book","book "+d.book, /^(whole|ok)$/i.test(d.book)?"ok":"warn");
  if(d.risk!==undefined||d.kill_switch!==undefined){ const ks=d.kill_switch===true; pill("risk",ks?"KILL SWITCH":"risk "+(d.risk||"ok"), ks?"bad":"ok"); }
  dirty=true;
}
function render(){
  if(!dirty) return; dirty=false;
  for(const ch of [price,ratio,signal,pnl]) ch.draw();
  document.body.setAttribute("data-records",String(records));
  document.querySelector("#balances tbody").innerHTML=Object.keys(balances).sort().map(c=>`<tr><td>${c}</td><td>${fmt(balances[c].amount)}</td><td>${fmt(balances[c].available)}</td></tr>`).join("");
  document.querySelector("#orders tbody").innerHTML=orders.map(o=>`<tr><td>${tstr(o.t)}</td><td class="${o.side}">${o.side}</td><td>${fmt(o.price,2)}</td><td>${fmt(o.amount)}</td><td>${fmt(o.exec)}</td><td>${o.state}</td></tr>`).join("");
  document.querySelector("#status tbody").innerHTML=Object.keys(state).map(k=>`<tr><td>${k}</td><td>${String(state[k]).replace(/</g,"&lt;")}</td></tr>`).join("");
  const ls=sMid.pts.length?sMid.pts[sMid.pts.length-1]:null; if(ls) pill("last","mid "+fmt(ls[1],2)+" at "+tstr(ls[0]));
}
function handle(id,e,d){ if(id&&id<=lastId) return; if(id) lastId=id; if(e==="status") onStatus(d); else onRecord(d); }
for(const h of (window.RTC_HISTORY||[]).slice().sort((a,b)=>a.id-b.id)) handle(h.id,h.e,h.d);
if(window.RTC_LAST_ID) lastId=Math.max(lastId,window.RTC_LAST_ID);
dirty=true; render(); document.body.setAttribute("data-ready","1");
const es=new EventSource("/events?after="+lastId);
es.onopen=()=>{ if(state.connection===undefined) pill("conn","dashboard live","ok"); };
es.onerror=()=>pill("conn","dashboard reconnecting","bad");
es.addEventListener("record",ev=>handle(Number(ev.lastEventId),"record",JSON.parse(ev.data)));
es.addEventListener("status",ev=>handle(Number(ev.lastEventId),"status",JSON.parse(ev.data)));
setInterval(render,500);
</script></body></html>
)HTML";
  return kPage;
}

}  // namespace rtcrypto::web
