/** German messages: English template → translation, with the same {0} places and md syntax (see src/core/i18n.ts). */
import type { Catalogue } from '../i18n.js';

const catalogue: Catalogue = {
  "\n…and {0} more jobs, each in its own message.":
    "\n…und {0} weitere Jobs, jeder in einer eigenen Nachricht.",
  "\n…and 1 more job, in its own message.":
    "\n…und 1 weiterer Job, in einer eigenen Nachricht.",
  "\n{0} of {1} jobs queued; the rest were not: {2}":
    "\n{0} von {1} Jobs eingereiht; die übrigen nicht: {2}",
  "\nChange one with `/limits set <name> <value>`; undo with `/limits reset <name>`.":
    "\nÄndern mit `/limits set <name> <value>`; rückgängig machen mit `/limits reset <name>`.",
  "\nPrompt: {0}":
    "\nPrompt: {0}",
  " — #{0} in queue{1}":
    " — #{0} in der Warteschlange{1}",
  " · {0} left":
    " · noch {0}",
  " · from {0}":
    " · aus {0}",
  " · job {0}":
    " · Job {0}",
  " · starts in {0}":
    " · startet in {0}",
  " (default)":
    " (Standard)",
  " Try Upscale (2×).":
    " Versuch es mit Upscale (2×).",
  ", {0} left":
    ", noch {0}",
  ", starts in {0}":
    ", startet in {0}",
  "(no prompt)":
    "(kein Prompt)",
  "{0} - Image #{1} (upscaled {2}×) {3}":
    "{0} - Bild #{1} (hochskaliert {2}×) {3}",
  "{0} - Make Square by {1}":
    "{0} - Make Square von {1}",
  "{0} - Pan Down by {1}":
    "{0} - Pan Down von {1}",
  "{0} - Pan Left by {1}":
    "{0} - Pan Left von {1}",
  "{0} - Pan Right by {1}":
    "{0} - Pan Right von {1}",
  "{0} - Pan Up by {1}":
    "{0} - Pan Up von {1}",
  "{0} - Upscaled ({1}×) by {2}":
    "{0} - Hochskaliert ({1}×) von {2}",
  "{0} - Variations (Strong) by {1}":
    "{0} - Variations (Strong) von {1}",
  "{0} - Variations (Subtle) by {1}":
    "{0} - Variations (Subtle) von {1}",
  "{0} - Vary (Region: {1}) by {2}":
    "{0} - Vary (Region: {1}) von {2}",
  "{0} - Zoom Out {1}× by {2}":
    "{0} - Zoom Out {1}× von {2}",
  "{0} - Zoom Out by {1}":
    "{0} - Zoom Out von {1}",
  "{0} — {1} by {2}":
    "{0} — {1} von {2}",
  "{0} — the next /imagine starts from it":
    "{0} — das nächste /imagine geht davon aus",
  "{0} · {1}×{2} · {3} · guidance {4} · {5}":
    "{0} · {1}×{2} · {3} · Guidance {4} · {5}",
  "{0} (cancelled)":
    "{0} (abgebrochen)",
  "{0} (Starting…{1})":
    "{0} (Startet…{1})",
  "{0} (Upscaling…{1})":
    "{0} (Hochskalieren…{1})",
  "{0} (Waiting to start{1})":
    "{0} (Wartet auf Start{1})",
  "{0} can no longer use the bot in this server; `/limits unban` undoes it.":
    "{0} kann den Bot auf diesem Server nicht mehr verwenden; `/limits unban` macht das rückgängig.",
  "{0} can use the bot in this server again.":
    "{0} kann den Bot auf diesem Server wieder verwenden.",
  "{0} from {1}: {2}":
    "{0} von {1}: {2}",
  "{0} images":
    "{0} Bilder",
  "{0} is {1} characters; the limit is {2}.":
    "{0} hat {1} Zeichen; erlaubt sind höchstens {2}.",
  "{0} is at most 500 characters.":
    "{0} darf höchstens 500 Zeichen lang sein.",
  "{0} is back to the default.":
    "{0} wurde auf den Standard zurückgesetzt.",
  "{0} is from {1} to {2} (got `{3}`).":
    "{0} muss zwischen {1} und {2} liegen (eingegeben: `{3}`).",
  "{0} is larger than `{1}` can make (at most {2} pixels, e.g. {3}).":
    "{0} ist größer, als `{1}` erstellen kann (höchstens {2} Pixel, z. B. {3}).",
  "{0} is larger than this server allows (at most {1} pixels, e.g. {2}).":
    "{0} ist größer, als dieser Server erlaubt (höchstens {1} Pixel, z. B. {2}).",
  "{0} is needed.":
    "{0} wird benötigt.",
  "{0} is not a size `{1}` can make: width and height are multiples of {2} pixels.":
    "{0} ist keine Größe, die `{1}` erstellen kann: Breite und Höhe müssen Vielfache von {2} Pixeln sein.",
  "{0} is not a valid regular expression: {1}.":
    "{0} ist kein gültiger regulärer Ausdruck: {1}.",
  "{0} is now {1}.":
    "{0} ist jetzt {1}.",
  "{0} is outside what `{1}` can make (each side from {2} to {3} pixels).":
    "{0} liegt außerhalb dessen, was `{1}` erstellen kann (jede Seite {2} bis {3} Pixel).",
  "{0} jobs":
    "{0} Jobs",
  "{0} left":
    "noch {0}",
  "{0} must be a channel: pick it with # (got '{1}').":
    "{0} muss ein Kanal sein: Wähle ihn mit # aus (eingegeben: '{1}').",
  "{0} must be a number from {1} to {2} (got '{3}').":
    "{0} muss eine Zahl von {1} bis {2} sein (eingegeben: '{3}').",
  "{0} must be a whole number from {1} to {2} (got '{3}').":
    "{0} muss eine ganze Zahl von {1} bis {2} sein (eingegeben: '{3}').",
  "{0} must be from {1} to {2} (got {3}).":
    "{0} muss zwischen {1} und {2} liegen (eingegeben: {3}).",
  "{0} must be one of {1} (got '{2}').":
    "{0} muss einer dieser Werte sein: {1} (eingegeben: '{2}').",
  "{0} must be true or false (got '{1}').":
    "{0} muss true oder false sein (eingegeben: '{1}').",
  "{0} Nothing was changed.":
    "{0} Es wurde nichts geändert.",
  "{0} requests":
    "{0} Anfragen",
  "{0} steps":
    "{0} Schritte",
  "{0} steps is more than {1} (at most {2}); try `--steps {3}`.":
    "{0} Schritte sind mehr, als {1} (höchstens {2}); versuch es mit `--steps {3}`.",
  "{0} The message could not be taken down; remove it yourself.":
    "{0} Die Nachricht konnte nicht entfernt werden; lösche sie bitte selbst.",
  "{0} was already banned here.":
    "{0} war hier bereits gebannt.",
  "{0} was not banned here.":
    "{0} war hier nicht gebannt.",
  "{0}; this bot upscales to at most {1} pixels.":
    "{0}; dieser Bot skaliert auf höchstens {1} Pixel hoch.",
  "{0}; this server allows at most {1} pixels (`max_upscale_pixels`).{2}":
    "{0}; dieser Server erlaubt höchstens {1} Pixel (`max_upscale_pixels`).{2}",
  "{0}: {1} has a bad value {2} ({3})":
    "{0}: {1} hat einen ungültigen Wert {2} ({3})",
  "{0}: missing {1} ({2})":
    "{0}: {1} fehlt ({2})",
  "{0}: unknown limit '{1}'; known: {2}":
    "{0}: unbekanntes Limit '{1}'; bekannt: {2}",
  "{0}×{1}, {2} steps by default":
    "{0}×{1}, standardmäßig {2} Schritte",
  "**{0}** · {1} of {2} left":
    "**{0}** · {1} von {2} übrig",
  "**{0}** (no daily budget)":
    "**{0}** (kein Tagesbudget)",
  "**{0}** images · {1} of {2} left":
    "**{0}** Bilder · {1} von {2} übrig",
  "**{0}** images (no daily limit)":
    "**{0}** Bilder (kein Tageslimit)",
  "**1** image · {0} of {1} left":
    "**1** Bild · {0} von {1} übrig",
  "**1** image (no daily limit)":
    "**1** Bild (kein Tageslimit)",
  "**Limit changes in this server** (newest first, last {0})\n":
    "**Limit-Änderungen auf diesem Server** (neueste zuerst, die letzten {0})\n",
  "**Limits for this server**\n":
    "**Limits für diesen Server**\n",
  "**Models on this server**":
    "**Modelle auf diesem Server**",
  "**Recipe** of {0}":
    "**Rezept** von {0}",
  "**Today (UTC)**, resets at 00:00 UTC (in {0})":
    "**Heute (UTC)**, wird um 00:00 UTC zurückgesetzt (in {0})",
  "**Vary (Region)**: which part of image #{0} should change? The rest stays as it is.":
    "**Vary (Region)**: Welcher Teil von Bild #{0} soll sich ändern? Der Rest bleibt, wie er ist.",
  "**Your jobs**":
    "**Deine Jobs**",
  "**Your settings here** (a parameter in the prompt beats them)":
    "**Deine Einstellungen hier** (ein Parameter im Prompt hat Vorrang)",
  "`--{0}` is given twice.":
    "`--{0}` ist doppelt angegeben.",
  "`--{0}` needs a value, e.g. `{1}`.":
    "`--{0}` braucht einen Wert, z. B. `{1}`.",
  "`--iw` and `--strength` are for a picture to start from: attach one, or put its link at the start of the prompt.":
    "`--iw` und `--strength` gelten für ein Ausgangsbild: Hänge eins an oder setze seinen Link an den Anfang des Prompts.",
  "`{0}` **{1}** (set here) — {2}":
    "`{0}` **{1}** (hier gesetzt) — {2}",
  "`{0}` has already finished.":
    "`{0}` ist bereits fertig.",
  "`{0}` has no VAE encoder, so it cannot start from an image.":
    "`{0}` hat keinen VAE-Encoder und kann daher nicht von einem Bild ausgehen.",
  "`{0}` is a number (got `{1}`).":
    "`{0}` muss eine Zahl sein (eingegeben: `{1}`).",
  "`{0}` is a user: mention them, e.g. `@alice` (got `{1}`).":
    "`{0}` muss ein Nutzer sein: Erwähne ihn, z. B. `@alice` (eingegeben: `{1}`).",
  "`{0}` is a whole number (got `{1}`).":
    "`{0}` muss eine ganze Zahl sein (eingegeben: `{1}`).",
  "`{0}` is back to the default: **{1}** (was {2}).":
    "`{0}` ist wieder auf dem Standardwert: **{1}** (vorher {2}).",
  "`{0}` is now **{1}** (was {2}).":
    "`{0}` ist jetzt **{1}** (vorher {2}).",
  "`{0}` is on or off (got `{1}`).":
    "`{0}` muss on oder off sein (eingegeben: `{1}`).",
  "`{0}` is true or false (got `{1}`).":
    "`{0}` muss true oder false sein (eingegeben: `{1}`).",
  "`{0}` only makes {1}×{2} images, so `--ar {3}` is not available with it.":
    "`{0}` erstellt nur Bilder in {1}×{2}, daher ist `--ar {3}` damit nicht möglich.",
  "`{0}` reset to {1} (was {2})":
    "`{0}` auf {1} zurückgesetzt (vorher {2})",
  "▭ Rectangle":
    "▭ Rechteck",
  "✔ Admin (local)":
    "✔ Admin (lokal)",
  "✔ Admin (password accepted)":
    "✔ Admin (Passwort akzeptiert)",
  "❌ The result of this job is missing.":
    "❌ Das Ergebnis dieses Jobs fehlt.",
  "👁 Only you can see this ·":
    "👁 Nur du siehst das ·",
  "📝 Open the form":
    "📝 Formular öffnen",
  "🖌️ Brush":
    "🖌️ Pinsel",
  "🛡️ Blocked image":
    "🛡️ Blockiertes Bild",
  "🛡️ Refused prompt":
    "🛡️ Abgelehnter Prompt",
  "🛡️ Spoilered image":
    "🛡️ Als Spoiler markiertes Bild",
  "0.75 (0 keeps the picture, 1 ignores it)":
    "0.75 (0 behält das Bild bei, 1 ignoriert es)",
  "1 image":
    "1 Bild",
  "1 job":
    "1 Job",
  "1 request":
    "1 Anfrage",
  "1 step":
    "1 Schritt",
  "a banned user":
    "ein gebannter Nutzer",
  "a blocked pattern":
    "ein gesperrtes Muster",
  "a blocked word":
    "ein gesperrtes Wort",
  "A mask needs a picture to start from.":
    "Eine Maske braucht ein Ausgangsbild.",
  "a model name has no spaces":
    "ein Modellname darf keine Leerzeichen enthalten",
  "a pattern is at most {0} characters (got {1}).":
    "ein Muster darf höchstens {0} Zeichen haben (es sind {1}).",
  "a pattern takes too long on long text (over {0} ms); simplify it (nested repeats like (a+)+ are the usual cause).":
    "ein Muster braucht bei langem Text zu lange (über {0} ms); vereinfache es (meist liegt es an verschachtelten Wiederholungen wie (a+)+).",
  "A picture to start from (PNG, JPEG, WebP or GIF); a link at the start of the prompt works too":
    "Ein Ausgangsbild (PNG, JPEG, WebP oder GIF); ein Link am Anfang des Prompts geht auch",
  "a result the safety check flags: block (not posted), spoiler, or allow (age-restricted channels; a spoiler elsewhere)":
    "Umgang mit Ergebnissen, die die Sicherheitsprüfung markiert: block (nicht posten), spoiler oder allow (in Kanälen mit Altersbeschränkung; sonst als Spoiler)",
  "A server admin has stopped you from using this bot in this server. Nothing was done.":
    "Ein Server-Admin hat dir die Nutzung dieses Bots auf diesem Server untersagt. Es wurde nichts ausgeführt.",
  "Added to every prompt":
    "Wird an jeden Prompt angehängt",
  "Admin actions need the password.":
    "Admin-Aktionen brauchen das Passwort.",
  "Admin password":
    "Admin-Passwort",
  "Allowed: {0}.":
    "Erlaubt: {0}.",
  "an aspect ratio is width:height, e.g. 16:9, 2:3 or 1:1":
    "ein Seitenverhältnis hat die Form Breite:Höhe, z. B. 16:9, 2:3 oder 1:1",
  "Any number of requests a minute, {0} jobs waiting at once.":
    "Beliebig viele Anfragen pro Minute, {0} wartende Jobs gleichzeitig.",
  "anyone on this machine, or whoever gives WEB_PASSWORD when the playground is exposed":
    "alle auf diesem Rechner oder wer WEB_PASSWORD angibt, wenn der Playground öffentlich erreichbar ist",
  "Ask an admin which models are allowed.":
    "Frag einen Admin, welche Modelle erlaubt sind.",
  "Aspect ratio":
    "Seitenverhältnis",
  "at most {0} patterns (got {1}).":
    "höchstens {0} Muster (es sind {1}).",
  "Attach a picture":
    "Bild anhängen",
  "both sides must be at least 1":
    "beide Seiten müssen mindestens 1 sein",
  "Bottom half":
    "Untere Hälfte",
  "Bottom-left quarter":
    "Unteres linkes Viertel",
  "Bottom-right quarter":
    "Unteres rechtes Viertel",
  "Brush size":
    "Pinselgröße",
  "Cancel":
    "Abbrechen",
  "Cancel one with `/cancel <job>`.":
    "Abbrechen mit `/cancel <job>`.",
  "Cancel your newest queued or running job, or the one named":
    "Deinen neuesten wartenden oder laufenden Job abbrechen oder den angegebenen",
  "Cancelled `{0}`.":
    "`{0}` abgebrochen.",
  "Centre":
    "Mitte",
  "Change a limit (server admins)":
    "Ein Limit ändern (Server-Admins)",
  "Change it with {0}, e.g. {1}.":
    "Ändere es mit {0}, z. B. {1}.",
  "Change one setting":
    "Eine Einstellung ändern",
  "channel that gets every refused prompt and every blocked or spoilered image (- for none)":
    "Kanal, der jeden abgelehnten Prompt und jedes blockierte oder als Spoiler markierte Bild erhält (- für keinen)",
  "Clear":
    "Leeren",
  "Commands start with a slash, e.g. `/imagine red heart --seed 7`. Available: {0}.":
    "Befehle beginnen mit einem Schrägstrich, z. B. `/imagine red heart --seed 7`. Verfügbar: {0}.",
  "connecting…":
    "verbinde…",
  "Create four images from a text prompt":
    "Vier Bilder aus einem Text-Prompt erstellen",
  "Custom Zoom asks for the factor in a form, which this place cannot show; use Zoom Out 2× or 1.5×.":
    "Custom Zoom fragt den Faktor in einem Formular ab, das hier nicht angezeigt werden kann; nimm Zoom Out 2× oder 1.5×.",
  "Daily limit of {0} images for this server reached; resets at 00:00 UTC (in {1}).":
    "Tageslimit von {0} Bildern für diesen Server erreicht; wird um 00:00 UTC zurückgesetzt (in {1}).",
  "default ({0})":
    "Standard ({0})",
  "Default ({0})":
    "Standard ({0})",
  "Defaults…":
    "Standardwerte…",
  "Deleted the result of {0}.":
    "Das Ergebnis von {0} wurde gelöscht.",
  "Denoising steps":
    "Denoising-Schritte",
  "Describe the image you want, e.g. `/imagine red heart --seed 7`.":
    "Beschreibe das gewünschte Bild, z. B. `/imagine red heart --seed 7`.",
  "disconnected, retrying…":
    "getrennt, neuer Versuch…",
  "Dismiss message":
    "Nachricht ausblenden",
  "Drag a rectangle, or paint with the brush, over the part to change. The rest stays as it is.":
    "Zieh ein Rechteck oder male mit dem Pinsel über den Teil, der sich ändern soll. Der Rest bleibt, wie er ist.",
  "Draw over the part of the picture to change first.":
    "Übermale zuerst den Teil des Bildes, der sich ändern soll.",
  "Draw the region":
    "Bereich zeichnen",
  "Drawn area":
    "Gezeichneter Bereich",
  "e.g. watercolor, soft light --ar 3:2 --no text":
    "z. B. watercolor, soft light --ar 3:2 --no text",
  "Each PNG carries this as A1111's {0} (PNG Info and ComfyUI read it). {1} posts the result again.":
    "Jedes PNG enthält diese Angaben als A1111-{0} (PNG Info und ComfyUI lesen sie aus). {1} postet das Ergebnis erneut.",
  "Each tab is a user: open another tab with another name to watch the queue share its turns.":
    "Jeder Tab ist ein Benutzer: Öffne einen weiteren Tab mit einem anderen Namen und sieh zu, wie die Warteschlange die Reihenfolge aufteilt.",
  "Editing results (zoom, pan, make square, vary region) is turned off on this server.":
    "Das Bearbeiten von Ergebnissen (Zoom, Pan, Make Square, Vary Region) ist auf diesem Server deaktiviert.",
  "empty for the default; {0}":
    "leer = Standard; {0}",
  "Generation time today: {0}":
    "Generierungszeit heute: {0}",
  "Give a value for `{0}`. {1}":
    "Gib einen Wert für `{0}` an. {1}",
  "Guidance (cfg)":
    "Guidance (cfg)",
  "guidance (cfg) is a number from 0 to {0}":
    "Guidance (cfg) muss eine Zahl von 0 bis {0} sein",
  "Guidance (cfg) must be a number from 0 to {0}.":
    "Guidance (cfg) muss eine Zahl von 0 bis {0} sein.",
  "How closely to follow the prompt (cfg)":
    "Wie genau der Prompt befolgt wird (cfg)",
  "How far from the picture to move, 0–1 (img2img strength)":
    "Wie weit vom Bild abgewichen wird, 0–1 (img2img-Stärke)",
  "How much the picture counts, 0–3 (Midjourney’s image weight)":
    "Wie stark das Bild zählt, 0–3 (Image Weight wie bei Midjourney)",
  "I cannot tell who `{0}` is: mention them so their name turns into a link. Nothing was changed.":
    "Ich kann nicht erkennen, wer `{0}` ist: Erwähne die Person, damit ihr Name zu einem Link wird. Es wurde nichts geändert.",
  "I only work in servers here; run the command in a server channel.":
    "Ich funktioniere hier nur auf Servern; führe den Befehl in einem Serverkanal aus.",
  "image #{0}":
    "Bild #{0}",
  "Image prompts are turned off on this server; send the prompt without a picture.":
    "Bild-Prompts sind auf diesem Server deaktiviert; sende den Prompt ohne Bild.",
  "Image prompts are turned off on this server.":
    "Bild-Prompts sind auf diesem Server deaktiviert.",
  "images one user may make per UTC day (0 = no limit)":
    "Bilder, die ein Nutzer pro UTC-Tag erstellen darf (0 = kein Limit)",
  "images this server may make per UTC day (0 = no limit)":
    "Bilder, die dieser Server pro UTC-Tag erstellen darf (0 = kein Limit)",
  "Imagine":
    "Imagine",
  "Imagine from this image":
    "Imagine aus diesem Bild",
  "Invalid {0} `{1}`: {2}.":
    "Ungültiger Wert `{1}` für {0}: {2}.",
  "Invalid {0} `{1}`: {2}. Example: `{3}`.":
    "Ungültiger Wert `{1}` für {0}: {2}. Beispiel: `{3}`.",
  "Invalid `--{0} {1}`: {2}. Example: `{3}`.":
    "Ungültige Angabe `--{0} {1}`: {2}. Beispiel: `{3}`.",
  "Job {0} has not finished ({1}); only finished results can be shown again.":
    "Job {0} ist noch nicht fertig ({1}); nur fertige Ergebnisse können erneut gezeigt werden.",
  "Job id (default: your newest)":
    "Job-ID (Standard: dein neuester)",
  "jobs of this server running at once":
    "gleichzeitig laufende Jobs dieses Servers",
  "jobs one user may have waiting":
    "Jobs, die ein Nutzer gleichzeitig in der Warteschlange haben darf",
  "Karras sigmas work with {0} (as in diffusers), not {1}; pick one of those with `--sampler`.":
    "Karras-Sigmas funktionieren mit {0} (wie in diffusers), nicht mit {1}; wähle einen davon mit `--sampler`.",
  "Karras sigmas work with {0}, not {1}.":
    "Karras-Sigmas funktionieren mit {0}, nicht mit {1}.",
  "language of the bot's public messages: auto (the Discord server's language, else English), en, de, fr, es or ja":
    "Sprache der öffentlichen Nachrichten des Bots: auto (die Sprache des Discord-Servers, sonst Englisch), en, de, fr, es oder ja",
  "largest number of denoising steps":
    "höchste Anzahl an Denoising-Schritten",
  "largest width×height in pixels":
    "maximale Breite×Höhe in Pixeln",
  "largest width×height in pixels an upscale may make":
    "maximale Breite×Höhe in Pixeln, die ein Upscale erzeugen darf",
  "Left half":
    "Linke Hälfte",
  "Let a banned user use the bot again (server admins)":
    "Einen gebannten Nutzer den Bot wieder verwenden lassen (Server-Admins)",
  "live":
    "live",
  "Make four new images starting from the picture in this message":
    "Vier neue Bilder erstellen, ausgehend vom Bild in dieser Nachricht",
  "marked sensitive by the image safety check":
    "von der Bild-Sicherheitsprüfung als sensibel markiert",
  "Marked sensitive: click to show":
    "Als sensibel markiert: zum Anzeigen klicken",
  "members with the Manage Server permission":
    "Mitglieder mit der Berechtigung „Server verwalten“",
  "Message":
    "Nachricht",
  "Model":
    "Modell",
  "model {0}":
    "Modell {0}",
  "model default {0}":
    "Modell-Standard {0}",
  "Model name (see /models)":
    "Modellname (siehe /models)",
  "models users may pick, comma-separated (empty = all)":
    "Modelle, die Nutzer wählen dürfen, kommagetrennt (leer = alle)",
  "Name a limit. {0}":
    "Nenne ein Limit. {0}",
  "Name the job, e.g. {0}; ℹ️ Recipe under a result shows its id.":
    "Gib den Job an, z. B. {0}; ℹ️ Recipe unter einem Ergebnis zeigt seine ID.",
  "negative prompt added to every request":
    "Negativ-Prompt, der an jede Anfrage angehängt wird",
  "Negative prompt: {0}":
    "Negativ-Prompt: {0}",
  "New value; - for the default":
    "Neuer Wert; - für den Standard",
  "New value; lists comma-separated, - for none":
    "Neuer Wert; Listen kommagetrennt, - für keine",
  "No limit of this server has been changed.":
    "Auf diesem Server wurde noch kein Limit geändert.",
  "No model is allowed on this server. Server admins choose them with `/limits set allowed_models <names>`.":
    "Auf diesem Server ist kein Modell erlaubt. Server-Admins legen sie mit `/limits set allowed_models <names>` fest.",
  "no: {0}":
    "ohne: {0}",
  "Noise schedule: karras or normal (ComfyUI’s scheduler)":
    "Noise-Schedule: karras oder normal (der Scheduler von ComfyUI)",
  "None queued or running.":
    "Keine wartenden oder laufenden Jobs.",
  "Only server admins can ban users (here: {0}). Nothing was changed.":
    "Nur Server-Admins können Nutzer bannen (hier: {0}). Es wurde nichts geändert.",
  "Only server admins can change limits (here: {0}). Nothing was changed.":
    "Nur Server-Admins können Limits ändern (hier: {0}). Es wurde nichts geändert.",
  "Only server admins can see who changed the limits (here: {0}).":
    "Nur Server-Admins können sehen, wer die Limits geändert hat (hier: {0}).",
  "Only the person who asked for `{0}` or a server admin can cancel it.":
    "Abbrechen können ihn nur die Person, die `{0}` angefordert hat, oder ein Server-Admin.",
  "Only the person who asked for this image, or {0}, can delete it.":
    "Löschen können es nur die Person, die dieses Bild angefordert hat, oder {0}.",
  "pasted picture":
    "eingefügtes Bild",
  "pattern flags may be i, m, s and u (got '{0}').":
    "erlaubte Flags für Muster sind i, m, s und u (eingegeben: '{0}').",
  "Pick a region":
    "Wähle einen Bereich",
  "Pick a user name first: 1–32 letters, digits, spaces or _ . ' - (in the side bar).":
    "Wähl zuerst einen Benutzernamen: 1–32 Buchstaben, Ziffern, Leerzeichen oder _ . ' - (in der Seitenleiste).",
  "Pick one of the regions in the menu.":
    "Wähle einen der Bereiche im Menü.",
  "Pick one with {0} after your prompt, e.g. {1}.":
    "Wähle eines mit {0} nach deinem Prompt, z. B. {1}.",
  "Post a result of this server again, with its buttons":
    "Ein Ergebnis dieses Servers erneut posten, mit seinen Buttons",
  "private mode":
    "privater Modus",
  "Private mode":
    "Privater Modus",
  "Prompt":
    "Prompt",
  "Prompt: {0}":
    "Prompt: {0}",
  "Put a limit back to the default (server admins)":
    "Ein Limit auf den Standardwert zurücksetzen (Server-Admins)",
  "Put one setting, or all of them, back to the default":
    "Eine oder alle Einstellungen auf den Standard zurücksetzen",
  "queued, place {0}{1}":
    "in der Warteschlange, Platz {0}{1}",
  "reconnecting…":
    "verbinde neu…",
  "regular expressions that refuse a prompt, written /pattern/flags and separated by spaces (at most 50, 200 characters each)":
    "reguläre Ausdrücke, bei denen ein Prompt abgelehnt wird, geschrieben als /pattern/flags und durch Leerzeichen getrennt (höchstens 50, je 200 Zeichen)",
  "Remix":
    "Remix",
  "Remix asks for the new prompt in a form, which this place cannot show; turn Remix off with `/settings set remix off`.":
    "Remix fragt den neuen Prompt in einem Formular ab, das hier nicht angezeigt werden kann; schalte Remix mit `/settings set remix off` aus.",
  "Remix on":
    "Remix an",
  "Remove the picture":
    "Bild entfernen",
  "repeat is a whole number from 1 to {0}":
    "repeat muss eine ganze Zahl von 1 bis {0} sein",
  "requests one user may make per minute (0 = no limit)":
    "Anfragen, die ein Nutzer pro Minute stellen darf (0 = kein Limit)",
  "Reset all":
    "Alles zurücksetzen",
  "Right half":
    "Rechte Hälfte",
  "running{0}":
    "läuft{0}",
  "Sampler":
    "Sampler",
  "Sampler (add karras for Karras sigmas: dpmpp-2m-karras)":
    "Sampler (mit karras für Karras-Sigmas: dpmpp-2m-karras)",
  "Save":
    "Speichern",
  "Saved.":
    "Gespeichert.",
  "seconds of worker (GPU) time the jobs of this server may take per UTC day, shown in /info (0 = no budget)":
    "Sekunden Worker-(GPU-)Zeit, die die Jobs dieses Servers pro UTC-Tag brauchen dürfen, angezeigt in /info (0 = kein Budget)",
  "seed {0}":
    "Seed {0}",
  "Seed of the first image; the others use the next ones":
    "Seed des ersten Bildes; die anderen nehmen die nächsten",
  "seeds {0}":
    "Seeds {0}",
  "Send":
    "Senden",
  "server default {0}":
    "Server-Standard {0}",
  "server unreachable, retrying…":
    "Server nicht erreichbar, neuer Versuch…",
  "Servers":
    "Server",
  "Show or change this server's image limits":
    "Die Bild-Limits dieses Servers anzeigen oder ändern",
  "Show the limits in force here":
    "Die hier geltenden Limits anzeigen",
  "Show your settings, with buttons to change them":
    "Deine Einstellungen anzeigen, mit Buttons zum Ändern",
  "Something went wrong while handling that; please try again.":
    "Bei der Verarbeitung ist etwas schiefgelaufen; bitte versuch es noch einmal.",
  "Something went wrong while making this image; please try again.":
    "Beim Erstellen dieses Bildes ist etwas schiefgelaufen; bitte versuch es noch einmal.",
  "Start from a picture (or paste or drop one here)":
    "Von einem Bild ausgehen (oder hier einfügen bzw. ablegen)",
  "step {0}/{1}":
    "Schritt {0}/{1}",
  "Steps":
    "Schritte",
  "Steps must be a whole number from 1 to {0}.":
    "Die Anzahl der Schritte muss eine ganze Zahl von 1 bis {0} sein.",
  "Stop a user from using the bot in this server (server admins)":
    "Einen Nutzer auf diesem Server für den Bot bannen (Server-Admins)",
  "Strength must be more than 0 and at most 1.":
    "Die Stärke muss größer als 0 und höchstens 1 sein.",
  "Strength, 0–1 (how far from the picture)":
    "Stärke, 0–1 (wie weit weg vom Bild)",
  "Suffix":
    "Suffix",
  "suffix “{0}”":
    "Suffix „{0}“",
  "Suffix…":
    "Suffix…",
  "That admin password is wrong; the command ran without admin rights.":
    "Das Admin-Passwort ist falsch; der Befehl lief ohne Admin-Rechte.",
  "That drawing did not arrive whole; draw the region again.":
    "Die Zeichnung ist nicht vollständig angekommen; zeichne den Bereich bitte noch einmal.",
  "That form is no longer open (it was left for a long time, or the bot restarted). Open it again; nothing was done.":
    "Dieses Formular ist nicht mehr offen (es war lange geöffnet, oder der Bot wurde neu gestartet). Öffne es erneut; es wurde nichts ausgeführt.",
  "That is too long: at most {0} characters.":
    "Das ist zu lang: höchstens {0} Zeichen.",
  "That job has not finished yet.":
    "Dieser Job ist noch nicht fertig.",
  "That makes {0} jobs ({1} prompts × `--repeat`); at most {2} run at once.":
    "Das ergibt {0} Jobs ({1} Prompts × `--repeat`); höchstens {2} laufen gleichzeitig.",
  "That message has no picture. Use this on a message with an image (PNG, JPEG, WebP or GIF) attached.":
    "Diese Nachricht enthält kein Bild. Verwende das bei einer Nachricht mit angehängtem Bild (PNG, JPEG, WebP oder GIF).",
  "That prompt makes {0} or more prompts; at most {1} run at once (counting `--repeat`).":
    "Dieser Prompt ergibt {0} oder mehr Prompts; höchstens {1} laufen gleichzeitig (`--repeat` mitgezählt).",
  "The {0} is given twice (the {1} option and `--{2}`); use one.":
    "{0} ist doppelt angegeben (als Option {1} und als `--{2}`); verwende nur eine Angabe.",
  "the child-safety check":
    "die Kinderschutzprüfung",
  "The drawing covers the whole picture; for that, use Vary (Strong).":
    "Die Zeichnung bedeckt das ganze Bild; nimm dafür Vary (Strong).",
  "The image this starts from has expired or was removed.":
    "Das Ausgangsbild ist abgelaufen oder wurde entfernt.",
  "the image weight is a number from 0 to 3":
    "Image Weight muss eine Zahl von 0 bis 3 sein",
  "The job id (ℹ️ Recipe and /info show it)":
    "Die Job-ID (ℹ️ Recipe und /info zeigen sie an)",
  "the model `{0}` allows":
    "das Modell `{0}` erlaubt",
  "The model `{0}` cannot start from a picture (it has no VAE encoder); pick another with `--model`.":
    "Das Modell `{0}` kann nicht von einem Bild ausgehen (es hat keinen VAE-Encoder); wähle mit `--model` ein anderes.",
  "The model `{0}` is not allowed on this server.":
    "Das Modell `{0}` ist auf diesem Server nicht erlaubt.",
  "The model `{0}` is not allowed on this server. {1}":
    "Das Modell `{0}` ist auf diesem Server nicht erlaubt. {1}",
  "The model `{0}` makes 1 to {1} images at a time (asked for {2}).":
    "Das Modell `{0}` erstellt 1 bis {1} Bilder auf einmal (angefragt: {2}).",
  "The model `{0}` only makes {1}×{2} images (asked for {3}).":
    "Das Modell `{0}` erstellt nur Bilder in {1}×{2} (angefragt: {3}).",
  "The models you can use here: family, size and default steps":
    "Die Modelle, die du hier nutzen kannst: Familie, Größe und Standard-Schritte",
  "The playground server cannot be reached. Is it still running?":
    "Der Playground-Server ist nicht erreichbar. Läuft er noch?",
  "The prompt has parameters but no description; e.g. `/imagine red heart --ar 16:9`.":
    "Der Prompt hat Parameter, aber keine Beschreibung; z. B. `/imagine red heart --ar 16:9`.",
  "The prompt is {0} characters; the limit is {1}.":
    "Der Prompt hat {0} Zeichen; erlaubt sind höchstens {1}.",
  "The prompt must be text.":
    "Der Prompt muss Text sein.",
  "The queue is full ({0} jobs); please try again in a few minutes.":
    "Die Warteschlange ist voll ({0} Jobs); bitte versuch es in ein paar Minuten noch einmal.",
  "The queue is unavailable right now, so nothing was queued; please try again in a minute.":
    "Die Warteschlange ist gerade nicht erreichbar, daher wurde nichts eingereiht; bitte versuch es in einer Minute noch einmal.",
  "the ratio must be between 1:4 and 4:1":
    "das Verhältnis muss zwischen 1:4 und 4:1 liegen",
  "The remixed prompt is empty.":
    "Der geremixte Prompt ist leer.",
  "the samplers are {0} (euler and dpmpp-2m also with Karras sigmas, e.g. `DPM++ 2M Karras`)":
    "die verfügbaren Sampler sind {0} (euler und dpmpp-2m auch mit Karras-Sigmas, z. B. `DPM++ 2M Karras`)",
  "the schedules are karras and normal":
    "die verfügbaren Schedules sind karras und normal",
  "The seed must be a whole number from 0 to {0}.":
    "Der Seed muss eine ganze Zahl von 0 bis {0} sein.",
  "The seed must be at most {0} for {1} images.":
    "Bei {1} Bildern darf der Seed höchstens {0} sein.",
  "The server answered {0}.":
    "Der Server antwortete mit {0}.",
  "The starting image must be 8-bit RGB pixels of its stated size.":
    "Das Ausgangsbild muss aus 8-Bit-RGB-Pixeln in seiner angegebenen Größe bestehen.",
  "the strength is a number from 0 to 1":
    "die Stärke muss eine Zahl von 0 bis 1 sein",
  "The suffix is {0} characters; the limit is {1}.":
    "Das Suffix hat {0} Zeichen; erlaubt sind höchstens {1}.",
  "The zoom factor is a number from {0} to {1} (got `{2}`).":
    "Der Zoomfaktor muss eine Zahl von {0} bis {1} sein (eingegeben: `{2}`).",
  "There is no job {0} in this server (results are kept {1} days).":
    "Auf diesem Server gibt es keinen Job {0} (Ergebnisse werden {1} Tage aufbewahrt).",
  "There is no job `{0}`; `/info` lists yours.":
    "Es gibt keinen Job `{0}`; `/info` listet deine auf.",
  "This button belongs to an image made in another server.":
    "Dieser Button gehört zu einem Bild, das auf einem anderen Server erstellt wurde.",
  "This button is no longer valid.":
    "Dieser Button ist nicht mehr gültig.",
  "This image has expired (images are kept {0} days). Run the prompt again with its seed to get it back.":
    "Dieses Bild ist abgelaufen (Bilder werden {0} Tage aufbewahrt). Führe den Prompt mit seinem Seed noch einmal aus, um es zurückzubekommen.",
  "This image has expired.":
    "Dieses Bild ist abgelaufen.",
  "This image is no longer available (images are kept {0} days).":
    "Dieses Bild ist nicht mehr verfügbar (Bilder werden {0} Tage aufbewahrt).",
  "This image is no longer available.":
    "Dieses Bild ist nicht mehr verfügbar.",
  "This image is no longer kept by the server.":
    "Dieses Bild wird vom Server nicht mehr aufbewahrt.",
  "This job has no image #{0}.":
    "Dieser Job hat kein Bild #{0}.",
  "This needs {0}, but only {1} of this server's daily {2} are left; resets at 00:00 UTC (in {3}).":
    "Dafür braucht es {0}, aber von den täglich {2} dieses Servers sind nur noch {1} übrig; wird um 00:00 UTC zurückgesetzt (in {3}).",
  "This needs {0}, but only {1} of your daily {2} are left; resets at 00:00 UTC (in {3}).":
    "Dafür braucht es {0}, aber von deinen täglich {2} sind nur noch {1} übrig; wird um 00:00 UTC zurückgesetzt (in {3}).",
  "This prompt cannot be used: sexual content involving minors is never made here.":
    "Dieser Prompt kann nicht verwendet werden: Sexuelle Inhalte mit Minderjährigen werden hier niemals erstellt.",
  "This result was not posted: this server's image safety check flagged it. The images were given back to your quota.":
    "Dieses Ergebnis wurde nicht gepostet: Die Bild-Sicherheitsprüfung dieses Servers hat es markiert. Die Bilder wurden deinem Kontingent wieder gutgeschrieben.",
  "this server allows":
    "dieser Server erlaubt",
  "This server has used its daily {0} seconds of generation time; resets at 00:00 UTC (in {1}).":
    "Dieser Server hat seine täglichen {0} Sekunden Generierungszeit verbraucht; wird um 00:00 UTC zurückgesetzt (in {1}).",
  "This server: {0}":
    "Dieser Server: {0}",
  "Too many wrong admin passwords from this address; wait a minute.":
    "Zu viele falsche Admin-Passwörter von dieser Adresse; warte eine Minute.",
  "Top half":
    "Obere Hälfte",
  "Top-left quarter":
    "Oberes linkes Viertel",
  "Top-right quarter":
    "Oberes rechtes Viertel",
  "Try:":
    "Probier:",
  "Type {0} and press Enter. Everyone in this server sees the result.":
    "Tippe {0} und drück Enter. Alle auf diesem Server sehen das Ergebnis.",
  "Unknown `/{0} {1}`.":
    "Unbekannter Unterbefehl `/{0} {1}`.",
  "Unknown `/limits {0}`. {1}":
    "Unbekannter Unterbefehl `/limits {0}`. {1}",
  "Unknown command `{0}`. Commands: {1}.":
    "Unbekannter Befehl `{0}`. Befehle: {1}.",
  "Unknown command `/{0}`. Available: {1}.":
    "Unbekannter Befehl `/{0}`. Verfügbar: {1}.",
  "Unknown command `/{0}`. Commands: {1}.":
    "Unbekannter Befehl `/{0}`. Befehle: {1}.",
  "unknown limit '{0}'; known: {1}":
    "unbekanntes Limit '{0}'; bekannt: {1}",
  "Unknown limit `{0}`. Limits: {1}.":
    "Unbekanntes Limit `{0}`. Limits: {1}.",
  "Unknown model '{0}'.":
    "Unbekanntes Modell '{0}'.",
  "Unknown model `{0}`. Available: {1}.":
    "Unbekanntes Modell `{0}`. Verfügbar: {1}.",
  "Unknown model `{0}`. Known models: {1}.":
    "Unbekanntes Modell `{0}`. Bekannte Modelle: {1}.",
  "Unknown parameter `--{0}`. Known parameters: {1}.":
    "Unbekannter Parameter `--{0}`. Bekannte Parameter: {1}.",
  "Unknown sampler `{0}`; the samplers are {1}.":
    "Unbekannter Sampler `{0}`; verfügbar sind {1}.",
  "Unknown setting `{0}`. Settings: {1}.":
    "Unbekannte Einstellung `{0}`. Einstellungen: {1}.",
  "unsafe score (0–1) from which the safety check flags a result":
    "Risikowert (0–1), ab dem die Sicherheitsprüfung ein Ergebnis markiert",
  "unsafe score {0}":
    "Risikowert {0}",
  "Up to {0} requests a minute, {1} jobs waiting at once.":
    "Bis zu {0} Anfragen pro Minute, {1} wartende Jobs gleichzeitig.",
  "Upscaling is turned off on this server.":
    "Hochskalieren ist auf diesem Server deaktiviert.",
  "Upscaling this image {0}× would make {1}×{2}":
    "Dieses Bild {0}× hochzuskalieren ergäbe {1}×{2}",
  "Upscaling this image {0}× would make {1}×{2}; this bot upscales to at most {3} pixels.":
    "Dieses Bild {0}× hochzuskalieren ergäbe {1}×{2}; dieser Bot skaliert auf höchstens {3} Pixel hoch.",
  "Usage: {0}.":
    "Verwendung: {0}.",
  "Usage: `/cancel` (your newest job) or `/cancel <job id>` (ids are shown by `/info`).":
    "Verwendung: `/cancel` (dein neuester Job) oder `/cancel <job id>` (die IDs zeigt `/info`).",
  "Usage: `/limits show`, `/limits set <name> <value>` (lists comma-separated, `-` for none), `/limits reset <name>`, `/limits history`, `/limits ban @user`, `/limits unban @user`.":
    "Verwendung: `/limits show`, `/limits set <name> <value>` (Listen kommagetrennt, `-` für keine), `/limits reset <name>`, `/limits history`, `/limits ban @user`, `/limits unban @user`.",
  "Use `/imagine` with the picture attached, or its link at the start of the prompt.":
    "Verwende `/imagine` mit dem Bild als Anhang oder mit seinem Link am Anfang des Prompts.",
  "Use this region":
    "Diesen Bereich nehmen",
  "User name":
    "Benutzername",
  "V, Vary and Zoom Out ask for the prompt first (on or off)":
    "V, Vary und Zoom Out fragen zuerst nach dem Prompt (on oder off)",
  "Vary (Region) asks for the prompt in a form, which this place cannot show.":
    "Vary (Region) fragt den Prompt in einem Formular ab, das hier nicht angezeigt werden kann.",
  "Welcome to #general on {0}":
    "Willkommen in #general auf {0}",
  "What to leave out (same as --no)":
    "Was weggelassen werden soll (wie --no)",
  "What to make of the picture, e.g. a watercolor painting --ar 3:2":
    "Was aus dem Bild werden soll, z. B. a watercolor painting --ar 3:2",
  "whether /imagine takes a picture to start from, attached or linked (on or off)":
    "ob /imagine ein Ausgangsbild annimmt, angehängt oder verlinkt (on oder off)",
  "whether a running job shows its pictures as they form (on or off)":
    "ob ein laufender Job seine Bilder schon während der Entstehung zeigt (on oder off)",
  "whether results can be edited: Zoom Out, Custom Zoom, Make Square and Pan (on or off)":
    "ob Ergebnisse bearbeitet werden können: Zoom Out, Custom Zoom, Make Square und Pan (on oder off)",
  "whether upscale buttons work":
    "ob die Upscale-Buttons funktionieren",
  "Which limit":
    "Welches Limit",
  "Which setting":
    "Welche Einstellung",
  "Who changed which limit when (server admins)":
    "Wer wann welches Limit geändert hat (Server-Admins)",
  "Whom":
    "Wen",
  "words that refuse a prompt, comma-separated":
    "Wörter, bei denen ein Prompt abgelehnt wird, kommagetrennt",
  "workspace admins and owners, and the users the deployer lists in SLACK_ADMIN_USERS":
    "Workspace-Admins und -Inhaber sowie die Nutzer, die der Betreiber in SLACK_ADMIN_USERS einträgt",
  "write each pattern as /pattern/flags, e.g. /\\bfoo+\\b/i (got '{0}').":
    "schreibe jedes Muster als /pattern/flags, z. B. /\\bfoo+\\b/i (eingegeben: '{0}').",
  "write each pattern as /pattern/flags, separated by spaces or commas, e.g. /\\bfoo+\\b/i /bar/ (could not read '{0}').":
    "schreibe jedes Muster als /pattern/flags, getrennt durch Leerzeichen oder Kommas, z. B. /\\bfoo+\\b/i /bar/ (nicht lesbar: '{0}').",
  "You":
    "Du",
  "You already have {0} waiting (the limit here is {1}); please wait until one starts.":
    "Du hast bereits {0} in der Warteschlange (das Limit hier ist {1}); bitte warte, bis einer davon startet.",
  "You can make {0} a minute here; please try again in {1}.":
    "Du kannst hier {0} pro Minute stellen; bitte versuch es in {1} noch einmal.",
  "You cannot ban yourself. Nothing was changed.":
    "Du kannst dich nicht selbst bannen. Es wurde nichts geändert.",
  "You have no queued or running jobs.":
    "Du hast keine wartenden oder laufenden Jobs.",
  "You reached your daily limit of {0} images on this server; resets at 00:00 UTC (in {1}).":
    "Du hast dein Tageslimit von {0} Bildern auf diesem Server erreicht; es wird um 00:00 UTC zurückgesetzt (in {1}).",
  "You: {0}":
    "Du: {0}",
  "your default aspect ratio, e.g. 16:9":
    "dein Standard-Seitenverhältnis, z. B. 16:9",
  "your default guidance (cfg)":
    "deine Standard-Guidance (cfg)",
  "your default model (see /models)":
    "dein Standardmodell (siehe /models)",
  "your default number of steps":
    "deine Standardanzahl an Schritten",
  "your default sampler, e.g. dpmpp-2m-karras":
    "dein Standard-Sampler, z. B. dpmpp-2m-karras",
  "Your defaults: {0} (change them with `/settings`)":
    "Deine Standardwerte: {0} (ändern mit `/settings`)",
  "Your own defaults here: model, size, steps, sampler, suffix, Remix, private mode":
    "Deine eigenen Standardwerte hier: Modell, Größe, Schritte, Sampler, Suffix, Remix, privater Modus",
  "Your prompt contains a word this server does not allow (\"{0}\"); please rephrase it.":
    "Dein Prompt enthält ein Wort, das auf diesem Server nicht erlaubt ist („{0}“); bitte formuliere ihn um.",
  "Your prompt could not be checked against this server's blocked patterns in time; please shorten it, or ask an admin to simplify the patterns.":
    "Dein Prompt konnte nicht rechtzeitig mit den gesperrten Mustern dieses Servers abgeglichen werden; kürze ihn bitte oder bitte einen Admin, die Muster zu vereinfachen.",
  "Your prompt matches a pattern this server does not allow; please rephrase it.":
    "Dein Prompt passt auf ein Muster, das auf diesem Server nicht erlaubt ist; bitte formuliere ihn um.",
  "your results only you see (on or off)":
    "deine Ergebnisse siehst nur du (on oder off)",
  "Your settings are back to the defaults.":
    "Deine Einstellungen wurden auf die Standardwerte zurückgesetzt.",
  "Your usage today, quota left, and your queued and running jobs":
    "Deine Nutzung heute, verbleibendes Kontingent und deine wartenden und laufenden Jobs",
};

export default catalogue;
