/** The dashboard's style sheet, served as /dashboard.css so the page needs no inline style or script (CSP). */
export const DASHBOARD_CSS = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1b1b1b; background: #fafafa; }
h1 { font-size: 1.3rem; margin: 0 0 1rem; }
.counts { display: flex; gap: .5rem; flex-wrap: wrap; margin-bottom: 1rem; }
.count { border: 1px solid #ccc; border-radius: 4px; padding: .3rem .6rem; background: #fff; }
.job { border: 1px solid #ccc; border-radius: 6px; background: #fff; padding: .8rem; margin: 0 0 1rem; }
.job.e2e { border-left: 6px solid #2e7d32; }
.job.plain { border-left: 6px solid #c62828; }
.job h2 { font-size: 1rem; margin: 0 0 .4rem; font-family: ui-monospace, monospace; }
.badge { display: inline-block; border-radius: 3px; padding: 0 .4rem; font-size: .85em; margin-right: .3rem; }
.badge.e2e { background: #c8e6c9; } .badge.plain { background: #ffcdd2; }
.state { font-weight: 600; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .1rem .8rem; margin: .4rem 0; }
dt { color: #555; } dd { margin: 0; overflow-wrap: anywhere; }
table.exposure { border-collapse: collapse; margin-top: .4rem; font-size: .85em; }
table.exposure th, table.exposure td { border: 1px solid #ddd; padding: .15rem .4rem; text-align: left; }
td.readable { background: #ffcdd2; } td.hidden { background: #c8e6c9; } td.at-risk { background: #fff3c4; }
form.login { max-width: 24rem; } form.login input { width: 100%; margin: .3rem 0; }
`;
