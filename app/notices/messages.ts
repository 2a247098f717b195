// The words of notices, in both languages. Kept apart from the pages' catalogue: mail is written
// on the server only, so none of this is sent to browsers.
export const en = {
  "notice.reminder.subject":
    "Reminder: {entity}'s figures for {month} are due in {days, plural, one {# day} other {# days}}",
  "notice.reminder.body":
    "{sent} of {expected} figures for {month} have been submitted. The rest are due by the end of {due} (Dubai time).",
  "notice.due.subject": "Due today: {entity}'s figures for {month}",
  "notice.due.body":
    "{sent} of {expected} figures for {month} have been submitted. The rest are due by the end of today, {due} (Dubai time).",
  "notice.overdue.subject": "Overdue: {entity}'s figures for {month}",
  "notice.overdue.body":
    "The figures for {month} were due on {due}, {days, plural, one {# day} other {# days}} ago. {sent} of {expected} have been submitted.",
  "notice.act": "Enter and submit the figures on their page:",
  "notice.returned.subject": "Returned: {kpi} for {month}",
  "notice.returned.body": "An analyst returned {entity}'s figure for {kpi}, {month}, with this comment:",
  "notice.returned.act": "Correct it and submit it again on its page:",
  "notice.digest.subject":
    "{count, plural, one {# entity month waits} other {# entity months wait}} for review, {date}",
  "notice.digest.body": "Figures submitted and waiting for your review, the longest waiting first:",
  "notice.digest.line": "{entity}, {month}: {count, plural, one {# figure} other {# figures}}",
  "notice.digest.act": "Review them:",
  "notice.escalation.subject":
    "Escalation: {entity} is {days, plural, one {# day} other {# days}} late with {month}",
  "notice.escalation.body":
    "{entity} has submitted {sent} of {expected} figures for {month}, due on {due}: {days, plural, one {# day} other {# days}} overdue.",
  "notice.escalation.act": "The entity's month:",
  "notice.locked.subject": "{month} is locked: {kpi} {actual} against a target of {target}",
  "notice.locked.subject.none": "{month} is locked",
  "notice.locked.body": "The figures for {month} are final.",
  "notice.locked.city": "City-wide, {kpi}: {actual} against a target of {target} ({status}).",
  "notice.locked.met":
    "{count, plural, =0 {No entity met its own target.} one {# entity met its own target:} other {# entities met their own targets:}}",
  "notice.locked.missed":
    "{count, plural, =0 {No entity is below its own target.} one {# entity is below its own target:} other {# entities are below their own targets:}}",
  "notice.locked.missedLine": "{entity}: {actual} against {target}",
  "notice.locked.moves": "Largest moves on the month before:",
  "notice.locked.moveLine": "{entity}: {from} to {to}",
  "notice.locked.act": "The month's results:",
  "notice.plan-due.subject": "{count, plural, one {A plan is} other {# plans are}} owed by {entity} for {month}, due {due}",
  "notice.plan-due.subject.overdue": "Overdue: {count, plural, one {a plan} other {# plans}} owed by {entity} for {month}",
  "notice.plan-due.body": "These KPIs were off track or short of their final target in {month}, and the office has no plan for them yet. Plans were due on {due}:",
  "notice.plan-due.act": "Write the plans on the month's commentary and plans page:",
  "notice.noFigure": "no figure",
  "notice.footer":
    "You receive this from the KPI compliance dashboard as {role}. Choose which notices reach you by e-mail, and their language:",
  "notice.role.admin": "an administrator",
  "notice.role.executive": "an executive",
  "notice.role.analyst": "an analyst",
  "notice.role.focal-point": "{entity}'s focal point",
} as const;

export type NoticeMessageId = keyof typeof en;

export const ar: Record<NoticeMessageId, string> = {
  "notice.reminder.subject":
    "تذكير: موعد تسليم أرقام {entity} لشهر {month} بعد {days, plural, one {يوم واحد} two {يومين} few {# أيام} other {# يومًا}}",
  "notice.reminder.body":
    "قُدِّم {sent} من {expected} من أرقام شهر {month}. ويحين موعد تسليم الباقي بنهاية يوم {due} (بتوقيت دبي).",
  "notice.due.subject": "موعد التسليم اليوم: أرقام {entity} لشهر {month}",
  "notice.due.body":
    "قُدِّم {sent} من {expected} من أرقام شهر {month}. ويحين موعد تسليم الباقي بنهاية اليوم، {due} (بتوقيت دبي).",
  "notice.overdue.subject": "متأخرة: أرقام {entity} لشهر {month}",
  "notice.overdue.body":
    "كان موعد تسليم أرقام شهر {month} يوم {due}، أي قبل {days, plural, one {يوم واحد} two {يومين} few {# أيام} other {# يومًا}}. قُدِّم {sent} من {expected}.",
  "notice.act": "أدخل الأرقام وقدّمها في صفحتها:",
  "notice.returned.subject": "أُعيد: {kpi} لشهر {month}",
  "notice.returned.body": "أعاد أحد المحللين رقم {entity} في مؤشر {kpi} لشهر {month} مع هذه الملاحظة:",
  "notice.returned.act": "صحّحه وقدّمه مرة أخرى في صفحته:",
  "notice.digest.subject":
    "{count, plural, one {شهر واحد ينتظر} two {شهران ينتظران} few {# أشهر تنتظر} other {# شهرًا تنتظر}} المراجعة، {date}",
  "notice.digest.body": "أرقام قُدِّمت وتنتظر مراجعتك، الأطول انتظارًا أولًا:",
  "notice.digest.line":
    "{entity}، {month}: {count, plural, one {رقم واحد} two {رقمان} few {# أرقام} other {# رقمًا}}",
  "notice.digest.act": "راجعها:",
  "notice.escalation.subject":
    "تصعيد: {entity} متأخرة {days, plural, one {يومًا واحدًا} two {يومين} few {# أيام} other {# يومًا}} في أرقام شهر {month}",
  "notice.escalation.body":
    "قدّمت {entity} {sent} من {expected} من أرقام شهر {month}، وكان موعد تسليمها يوم {due}: متأخرة {days, plural, one {يومًا واحدًا} two {يومين} few {# أيام} other {# يومًا}}.",
  "notice.escalation.act": "شهر الجهة:",
  "notice.locked.subject": "أُقفل شهر {month}: {kpi} {actual} مقابل مستهدف {target}",
  "notice.locked.subject.none": "أُقفل شهر {month}",
  "notice.locked.body": "أصبحت أرقام شهر {month} نهائية.",
  "notice.locked.city": "على مستوى المدينة، {kpi}: {actual} مقابل مستهدف {target} ({status}).",
  "notice.locked.met":
    "{count, plural, =0 {لم تبلغ أي جهة مستهدفها.} one {بلغت جهة واحدة مستهدفها:} two {بلغت جهتان مستهدفيهما:} few {بلغت # جهات مستهدفاتها:} other {بلغت # جهة مستهدفاتها:}}",
  "notice.locked.missed":
    "{count, plural, =0 {لا جهة دون مستهدفها.} one {جهة واحدة دون مستهدفها:} two {جهتان دون مستهدفيهما:} few {# جهات دون مستهدفاتها:} other {# جهة دون مستهدفاتها:}}",
  "notice.locked.missedLine": "{entity}: {actual} مقابل {target}",
  "notice.locked.moves": "أكبر التغيرات عن الشهر السابق:",
  "notice.locked.moveLine": "{entity}: من {from} إلى {to}",
  "notice.locked.act": "نتائج الشهر:",
  "notice.plan-due.subject": "{count, plural, one {خطة مستحقة} two {خطتان مستحقتان} few {# خطط مستحقة} other {# خطة مستحقة}} على {entity} لشهر {month}، موعدها {due}",
  "notice.plan-due.subject.overdue": "متأخرة: {count, plural, one {خطة} two {خطتان} few {# خطط} other {# خطة}} على {entity} لشهر {month}",
  "notice.plan-due.body": "كانت هذه المؤشرات متأخرة أو دون مستهدفها النهائي في {month}، ولا خطة لها لدى المكتب بعد. كان موعد الخطط {due}:",
  "notice.plan-due.act": "اكتب الخطط في صفحة تعليقات الشهر وخططه:",
  "notice.noFigure": "لا رقم",
  "notice.footer":
    "تصلك هذه الرسالة من لوحة الامتثال لمؤشرات الأداء بصفتك {role}. اختر الإشعارات التي تصلك بالبريد الإلكتروني ولغتها:",
  "notice.role.admin": "مسؤول النظام",
  "notice.role.executive": "أحد القياديين",
  "notice.role.analyst": "محللًا",
  "notice.role.focal-point": "منسق {entity}",
};
