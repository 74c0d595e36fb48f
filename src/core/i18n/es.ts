/** Spanish messages: English template → translation, with the same {0} places and md syntax (see src/core/i18n.ts). */
import type { Catalogue } from '../i18n.js';

const catalogue: Catalogue = {
  "\n…and {0} more jobs, each in its own message.":
    "\n…y {0} trabajos más, cada uno en su propio mensaje.",
  "\n…and 1 more job, in its own message.":
    "\n…y 1 trabajo más, en su propio mensaje.",
  "\n{0} of {1} jobs queued; the rest were not: {2}":
    "\nSe han puesto en cola {0} de {1} trabajos; el resto no: {2}",
  "\nChange one with `/limits set <name> <value>`; undo with `/limits reset <name>`.":
    "\nCambia uno con `/limits set <name> <value>`; deshazlo con `/limits reset <name>`.",
  "\nPrompt: {0}":
    "\nPrompt: {0}",
  " — #{0} in queue{1}":
    " — #{0} en la cola{1}",
  " · {0} left":
    " · quedan {0}",
  " · from {0}":
    " · a partir de {0}",
  " · job {0}":
    " · trabajo {0}",
  " · starts in {0}":
    " · empieza en {0}",
  " (default)":
    " (predeterminado)",
  " Try Upscale (2×).":
    " Prueba Upscale (2×).",
  ", {0} left":
    ", quedan {0}",
  ", starts in {0}":
    ", empieza en {0}",
  "(no prompt)":
    "(sin prompt)",
  "{0} - Image #{1} (upscaled {2}×) {3}":
    "{0} - Imagen #{1} (ampliada {2}×) {3}",
  "{0} - Make Square by {1}":
    "{0} - Make Square por {1}",
  "{0} - Pan Down by {1}":
    "{0} - Pan Down por {1}",
  "{0} - Pan Left by {1}":
    "{0} - Pan Left por {1}",
  "{0} - Pan Right by {1}":
    "{0} - Pan Right por {1}",
  "{0} - Pan Up by {1}":
    "{0} - Pan Up por {1}",
  "{0} - Upscaled ({1}×) by {2}":
    "{0} - Ampliación ({1}×) por {2}",
  "{0} - Variations (Strong) by {1}":
    "{0} - Variations (Strong) por {1}",
  "{0} - Variations (Subtle) by {1}":
    "{0} - Variations (Subtle) por {1}",
  "{0} - Vary (Region: {1}) by {2}":
    "{0} - Vary (Region: {1}) por {2}",
  "{0} - Zoom Out {1}× by {2}":
    "{0} - Zoom Out {1}× por {2}",
  "{0} - Zoom Out by {1}":
    "{0} - Zoom Out por {1}",
  "{0} — {1} by {2}":
    "{0} — {1} por {2}",
  "{0} — the next /imagine starts from it":
    "{0} — el próximo /imagine parte de ella",
  "{0} · {1}×{2} · {3} · guidance {4} · {5}":
    "{0} · {1}×{2} · {3} · guía {4} · {5}",
  "{0} (cancelled)":
    "{0} (cancelado)",
  "{0} (Starting…{1})":
    "{0} (Iniciando…{1})",
  "{0} (Upscaling…{1})":
    "{0} (Ampliando…{1})",
  "{0} (Waiting to start{1})":
    "{0} (Esperando para empezar{1})",
  "{0} can no longer use the bot in this server; `/limits unban` undoes it.":
    "{0} ya no puede usar el bot en este servidor; `/limits unban` lo deshace.",
  "{0} can use the bot in this server again.":
    "{0} vuelve a poder usar el bot en este servidor.",
  "{0} from {1}: {2}":
    "{0} de {1}: {2}",
  "{0} images":
    "{0} imágenes",
  "{0} is {1} characters; the limit is {2}.":
    "{0}: tiene {1} caracteres; el límite es {2}.",
  "{0} is at most 500 characters.":
    "{0} admite como máximo 500 caracteres.",
  "{0} is back to the default.":
    "{0}: vuelve al valor predeterminado.",
  "{0} is from {1} to {2} (got `{3}`).":
    "{0}: debe estar entre {1} y {2} (has escrito `{3}`).",
  "{0} is larger than `{1}` can make (at most {2} pixels, e.g. {3}).":
    "{0} es más grande de lo que `{1}` puede crear (como máximo {2} píxeles, p. ej. {3}).",
  "{0} is larger than this server allows (at most {1} pixels, e.g. {2}).":
    "{0} es más grande de lo que permite este servidor (como máximo {1} píxeles, p. ej. {2}).",
  "{0} is needed.":
    "{0}: este campo es obligatorio.",
  "{0} is not a size `{1}` can make: width and height are multiples of {2} pixels.":
    "{0} no es un tamaño que `{1}` pueda crear: el ancho y el alto deben ser múltiplos de {2} píxeles.",
  "{0} is not a valid regular expression: {1}.":
    "{0} no es una expresión regular válida: {1}.",
  "{0} is now {1}.":
    "{0}: ahora es {1}.",
  "{0} is outside what `{1}` can make (each side from {2} to {3} pixels).":
    "{0} está fuera de lo que `{1}` puede crear (cada lado de {2} a {3} píxeles).",
  "{0} jobs":
    "{0} trabajos",
  "{0} left":
    "quedan {0}",
  "{0} must be a channel: pick it with # (got '{1}').":
    "{0} debe ser un canal: elígelo con # (has escrito '{1}').",
  "{0} must be a number from {1} to {2} (got '{3}').":
    "{0} debe ser un número de {1} a {2} (has escrito '{3}').",
  "{0} must be a whole number from {1} to {2} (got '{3}').":
    "{0} debe ser un número entero de {1} a {2} (has escrito '{3}').",
  "{0} must be from {1} to {2} (got {3}).":
    "{0} debe estar entre {1} y {2} (has escrito {3}).",
  "{0} must be one of {1} (got '{2}').":
    "{0} debe ser uno de estos valores: {1} (has escrito '{2}').",
  "{0} must be true or false (got '{1}').":
    "{0} debe ser true o false (has escrito '{1}').",
  "{0} Nothing was changed.":
    "{0} No se ha cambiado nada.",
  "{0} requests":
    "{0} solicitudes",
  "{0} steps":
    "{0} pasos",
  "{0} steps is more than {1} (at most {2}); try `--steps {3}`.":
    "{0} pasos son más de los que {1} (como máximo {2}); prueba `--steps {3}`.",
  "{0} The message could not be taken down; remove it yourself.":
    "{0} No se ha podido retirar el mensaje; elimínalo tú.",
  "{0} was already banned here.":
    "{0} ya estaba vetado aquí.",
  "{0} was not banned here.":
    "{0} no estaba vetado aquí.",
  "{0}; this bot upscales to at most {1} pixels.":
    "{0}; este bot amplía hasta {1} píxeles como máximo.",
  "{0}; this server allows at most {1} pixels (`max_upscale_pixels`).{2}":
    "{0}; este servidor permite como máximo {1} píxeles (`max_upscale_pixels`).{2}",
  "{0}: {1} has a bad value {2} ({3})":
    "{0}: {1} tiene un valor no válido {2} ({3})",
  "{0}: missing {1} ({2})":
    "{0}: falta {1} ({2})",
  "{0}: unknown limit '{1}'; known: {2}":
    "{0}: límite desconocido '{1}'; conocidos: {2}",
  "{0}×{1}, {2} steps by default":
    "{0}×{1}, {2} pasos por defecto",
  "**{0}** · {1} of {2} left":
    "**{0}** · quedan {1} de {2}",
  "**{0}** (no daily budget)":
    "**{0}** (sin presupuesto diario)",
  "**{0}** images · {1} of {2} left":
    "**{0}** imágenes · quedan {1} de {2}",
  "**{0}** images (no daily limit)":
    "**{0}** imágenes (sin límite diario)",
  "**1** image · {0} of {1} left":
    "**1** imagen · quedan {0} de {1}",
  "**1** image (no daily limit)":
    "**1** imagen (sin límite diario)",
  "**Limit changes in this server** (newest first, last {0})\n":
    "**Cambios de límites en este servidor** (los más recientes primero, últimos {0})\n",
  "**Limits for this server**\n":
    "**Límites de este servidor**\n",
  "**Models on this server**":
    "**Modelos de este servidor**",
  "**Recipe** of {0}":
    "**Receta** de {0}",
  "**Today (UTC)**, resets at 00:00 UTC (in {0})":
    "**Hoy (UTC)**, se reinicia a las 00:00 UTC (dentro de {0})",
  "**Vary (Region)**: which part of image #{0} should change? The rest stays as it is.":
    "**Vary (Region)**: ¿qué parte de la imagen #{0} quieres cambiar? El resto se queda como está.",
  "**Your jobs**":
    "**Tus trabajos**",
  "**Your settings here** (a parameter in the prompt beats them)":
    "**Tus ajustes aquí** (un parámetro en el prompt tiene prioridad)",
  "`--{0}` is given twice.":
    "`--{0}` aparece dos veces.",
  "`--{0}` needs a value, e.g. `{1}`.":
    "`--{0}` necesita un valor, p. ej. `{1}`.",
  "`--iw` and `--strength` are for a picture to start from: attach one, or put its link at the start of the prompt.":
    "`--iw` y `--strength` son para una imagen de partida: adjunta una o pon su enlace al principio del prompt.",
  "`{0}` **{1}** (set here) — {2}":
    "`{0}` **{1}** (fijado aquí) — {2}",
  "`{0}` has already finished.":
    "`{0}` ya ha terminado.",
  "`{0}` has no VAE encoder, so it cannot start from an image.":
    "`{0}` no tiene codificador VAE, así que no puede partir de una imagen.",
  "`{0}` is a number (got `{1}`).":
    "`{0}` es un número (has escrito `{1}`).",
  "`{0}` is a user: mention them, e.g. `@alice` (got `{1}`).":
    "`{0}` es un usuario: menciónalo, p. ej. `@alice` (has escrito `{1}`).",
  "`{0}` is a whole number (got `{1}`).":
    "`{0}` es un número entero (has escrito `{1}`).",
  "`{0}` is back to the default: **{1}** (was {2}).":
    "`{0}` vuelve a su valor predeterminado: **{1}** (antes {2}).",
  "`{0}` is now **{1}** (was {2}).":
    "`{0}` ahora es **{1}** (antes {2}).",
  "`{0}` is on or off (got `{1}`).":
    "`{0}` es on u off (has escrito `{1}`).",
  "`{0}` is true or false (got `{1}`).":
    "`{0}` es true o false (has escrito `{1}`).",
  "`{0}` only makes {1}×{2} images, so `--ar {3}` is not available with it.":
    "`{0}` solo crea imágenes de {1}×{2}, así que `--ar {3}` no está disponible con él.",
  "`{0}` reset to {1} (was {2})":
    "`{0}` restablecido a {1} (antes {2})",
  "▭ Rectangle":
    "▭ Rectángulo",
  "✔ Admin (local)":
    "✔ Admin (local)",
  "✔ Admin (password accepted)":
    "✔ Admin (contraseña aceptada)",
  "❌ The result of this job is missing.":
    "❌ Falta el resultado de este trabajo.",
  "👁 Only you can see this ·":
    "👁 Solo tú puedes ver esto ·",
  "📝 Open the form":
    "📝 Abrir el formulario",
  "🖌️ Brush":
    "🖌️ Pincel",
  "🛡️ Blocked image":
    "🛡️ Imagen bloqueada",
  "🛡️ Refused prompt":
    "🛡️ Prompt rechazado",
  "🛡️ Spoilered image":
    "🛡️ Imagen con spoiler",
  "0.75 (0 keeps the picture, 1 ignores it)":
    "0.75 (0 conserva la imagen, 1 la ignora)",
  "1 image":
    "1 imagen",
  "1 job":
    "1 trabajo",
  "1 request":
    "1 solicitud",
  "1 step":
    "1 paso",
  "a banned user":
    "un usuario vetado",
  "a blocked pattern":
    "un patrón bloqueado",
  "a blocked word":
    "una palabra bloqueada",
  "A mask needs a picture to start from.":
    "Una máscara necesita una imagen de partida.",
  "a model name has no spaces":
    "un nombre de modelo no lleva espacios",
  "a pattern is at most {0} characters (got {1}).":
    "un patrón admite como máximo {0} caracteres (este tiene {1}).",
  "a pattern takes too long on long text (over {0} ms); simplify it (nested repeats like (a+)+ are the usual cause).":
    "un patrón tarda demasiado con textos largos (más de {0} ms); simplifícalo (la causa habitual son repeticiones anidadas como (a+)+).",
  "A picture to start from (PNG, JPEG, WebP or GIF); a link at the start of the prompt works too":
    "Una imagen de partida (PNG, JPEG, WebP o GIF); también sirve un enlace al principio del prompt",
  "a result the safety check flags: block (not posted), spoiler, or allow (age-restricted channels; a spoiler elsewhere)":
    "qué pasa con un resultado que marca el control de seguridad: block (no se publica), spoiler, o allow (en canales con restricción de edad; spoiler en los demás)",
  "A server admin has stopped you from using this bot in this server. Nothing was done.":
    "Un administrador del servidor te ha impedido usar este bot en este servidor. No se ha hecho nada.",
  "Added to every prompt":
    "Se añade a cada prompt",
  "Admin actions need the password.":
    "Las acciones de administración necesitan la contraseña.",
  "Admin password":
    "Contraseña de administrador",
  "Allowed: {0}.":
    "Permitidos: {0}.",
  "an aspect ratio is width:height, e.g. 16:9, 2:3 or 1:1":
    "una relación de aspecto es ancho:alto, p. ej. 16:9, 2:3 o 1:1",
  "Any number of requests a minute, {0} jobs waiting at once.":
    "Solicitudes por minuto ilimitadas y {0} trabajos en espera a la vez.",
  "anyone on this machine, or whoever gives WEB_PASSWORD when the playground is exposed":
    "cualquiera en esta máquina, o quien introduzca WEB_PASSWORD cuando el playground está expuesto",
  "Ask an admin which models are allowed.":
    "Pregunta a un administrador qué modelos están permitidos.",
  "Aspect ratio":
    "Relación de aspecto",
  "at most {0} patterns (got {1}).":
    "como máximo {0} patrones (has puesto {1}).",
  "Attach a picture":
    "Adjuntar una imagen",
  "both sides must be at least 1":
    "ambos lados deben ser al menos 1",
  "Bottom half":
    "Mitad inferior",
  "Bottom-left quarter":
    "Cuarto inferior izquierdo",
  "Bottom-right quarter":
    "Cuarto inferior derecho",
  "Brush size":
    "Tamaño del pincel",
  "Cancel":
    "Cancelar",
  "Cancel one with `/cancel <job>`.":
    "Cancela uno con `/cancel <job>`.",
  "Cancel your newest queued or running job, or the one named":
    "Cancela tu trabajo más reciente en cola o en curso, o el que indiques",
  "Cancelled `{0}`.":
    "Se ha cancelado `{0}`.",
  "Centre":
    "Centro",
  "Change a limit (server admins)":
    "Cambia un límite (administradores del servidor)",
  "Change it with {0}, e.g. {1}.":
    "Cámbialo con {0}, p. ej. {1}.",
  "Change one setting":
    "Cambia un ajuste",
  "channel that gets every refused prompt and every blocked or spoilered image (- for none)":
    "canal que recibe cada prompt rechazado y cada imagen bloqueada o con spoiler (- para ninguno)",
  "Clear":
    "Borrar",
  "Commands start with a slash, e.g. `/imagine red heart --seed 7`. Available: {0}.":
    "Los comandos empiezan con una barra, p. ej. `/imagine red heart --seed 7`. Disponibles: {0}.",
  "connecting…":
    "conectando…",
  "Create four images from a text prompt":
    "Crea cuatro imágenes a partir de un prompt de texto",
  "Custom Zoom asks for the factor in a form, which this place cannot show; use Zoom Out 2× or 1.5×.":
    "Custom Zoom pide el factor en un formulario, y aquí no se puede mostrar; usa Zoom Out 2× o 1.5×.",
  "Daily limit of {0} images for this server reached; resets at 00:00 UTC (in {1}).":
    "Se ha alcanzado el límite diario de {0} imágenes de este servidor; se reinicia a las 00:00 UTC (dentro de {1}).",
  "default ({0})":
    "predeterminado ({0})",
  "Default ({0})":
    "Predeterminado ({0})",
  "Defaults…":
    "Valores predeterminados…",
  "Deleted the result of {0}.":
    "Se ha eliminado el resultado de {0}.",
  "Denoising steps":
    "Pasos de eliminación de ruido",
  "Describe the image you want, e.g. `/imagine red heart --seed 7`.":
    "Describe la imagen que quieres, p. ej. `/imagine red heart --seed 7`.",
  "disconnected, retrying…":
    "desconectado, reintentando…",
  "Dismiss message":
    "Descartar mensaje",
  "Drag a rectangle, or paint with the brush, over the part to change. The rest stays as it is.":
    "Arrastra un rectángulo, o pinta con el pincel, sobre la parte que quieres cambiar. El resto se queda como está.",
  "Draw over the part of the picture to change first.":
    "Primero dibuja sobre la parte de la imagen que quieres cambiar.",
  "Draw the region":
    "Dibuja la región",
  "Drawn area":
    "Zona dibujada",
  "e.g. watercolor, soft light --ar 3:2 --no text":
    "p. ej. watercolor, soft light --ar 3:2 --no text",
  "Each PNG carries this as A1111's {0} (PNG Info and ComfyUI read it). {1} posts the result again.":
    "Cada PNG lleva esto como {0} de A1111 (PNG Info y ComfyUI lo leen). {1} vuelve a publicar el resultado.",
  "Each tab is a user: open another tab with another name to watch the queue share its turns.":
    "Cada pestaña es un usuario: abre otra pestaña con otro nombre para ver cómo la cola reparte los turnos.",
  "Editing results (zoom, pan, make square, vary region) is turned off on this server.":
    "La edición de resultados (Zoom, Pan, Make Square, Vary (Region)) está desactivada en este servidor.",
  "empty for the default; {0}":
    "vacío para usar el predeterminado; {0}",
  "Generation time today: {0}":
    "Tiempo de generación hoy: {0}",
  "Give a value for `{0}`. {1}":
    "Indica un valor para `{0}`. {1}",
  "Guidance (cfg)":
    "Guía (cfg)",
  "guidance (cfg) is a number from 0 to {0}":
    "la guía (cfg) es un número de 0 a {0}",
  "Guidance (cfg) must be a number from 0 to {0}.":
    "La guía (cfg) debe ser un número de 0 a {0}.",
  "How closely to follow the prompt (cfg)":
    "Cuánto se ciñe al prompt (cfg)",
  "How far from the picture to move, 0–1 (img2img strength)":
    "Cuánto alejarse de la imagen, 0–1 (strength de img2img)",
  "How much the picture counts, 0–3 (Midjourney’s image weight)":
    "Cuánto pesa la imagen, 0–3 (el image weight de Midjourney)",
  "I cannot tell who `{0}` is: mention them so their name turns into a link. Nothing was changed.":
    "No sé quién es `{0}`: menciónalo para que su nombre se convierta en un enlace. No se ha cambiado nada.",
  "I only work in servers here; run the command in a server channel.":
    "Aquí solo funciono en servidores; ejecuta el comando en un canal de un servidor.",
  "image #{0}":
    "imagen #{0}",
  "Image prompts are turned off on this server; send the prompt without a picture.":
    "Los prompts de imagen están desactivados en este servidor; envía el prompt sin imagen.",
  "Image prompts are turned off on this server.":
    "Los prompts de imagen están desactivados en este servidor.",
  "images one user may make per UTC day (0 = no limit)":
    "imágenes que un usuario puede crear por día UTC (0 = sin límite)",
  "images this server may make per UTC day (0 = no limit)":
    "imágenes que este servidor puede crear por día UTC (0 = sin límite)",
  "Imagine":
    "Imaginar",
  "Imagine from this image":
    "Imaginar a partir de esta imagen",
  "Invalid {0} `{1}`: {2}.":
    "El valor `{1}` de {0} no es válido: {2}.",
  "Invalid {0} `{1}`: {2}. Example: `{3}`.":
    "El valor `{1}` de {0} no es válido: {2}. Ejemplo: `{3}`.",
  "Invalid `--{0} {1}`: {2}. Example: `{3}`.":
    "`--{0} {1}` no es válido: {2}. Ejemplo: `{3}`.",
  "Job {0} has not finished ({1}); only finished results can be shown again.":
    "El trabajo {0} no ha terminado ({1}); solo los resultados terminados se pueden mostrar de nuevo.",
  "Job id (default: your newest)":
    "ID del trabajo (por defecto: el más reciente)",
  "jobs of this server running at once":
    "trabajos de este servidor que se ejecutan a la vez",
  "jobs one user may have waiting":
    "trabajos que un usuario puede tener en espera",
  "Karras sigmas work with {0} (as in diffusers), not {1}; pick one of those with `--sampler`.":
    "Las sigmas Karras funcionan con {0} (como en diffusers), no con {1}; elige uno de esos con `--sampler`.",
  "Karras sigmas work with {0}, not {1}.":
    "Las sigmas Karras funcionan con {0}, no con {1}.",
  "language of the bot's public messages: auto (the Discord server's language, else English), en, de, fr, es or ja":
    "idioma de los mensajes públicos del bot: auto (el idioma del servidor de Discord o, si no, inglés), en, de, fr, es o ja",
  "largest number of denoising steps":
    "número máximo de pasos de eliminación de ruido",
  "largest width×height in pixels":
    "ancho×alto máximo en píxeles",
  "largest width×height in pixels an upscale may make":
    "ancho×alto máximo en píxeles que puede generar una ampliación (Upscale)",
  "Left half":
    "Mitad izquierda",
  "Let a banned user use the bot again (server admins)":
    "Permite que un usuario vetado vuelva a usar el bot (administradores del servidor)",
  "live":
    "en vivo",
  "Make four new images starting from the picture in this message":
    "Crea cuatro imágenes nuevas a partir de la imagen de este mensaje",
  "marked sensitive by the image safety check":
    "marcado como sensible por el control de seguridad de imágenes",
  "Marked sensitive: click to show":
    "Marcada como sensible: haz clic para verla",
  "members with the Manage Server permission":
    "los miembros con el permiso Gestionar servidor",
  "Message":
    "Mensaje",
  "Model":
    "Modelo",
  "model {0}":
    "modelo {0}",
  "model default {0}":
    "predeterminado del modelo: {0}",
  "Model name (see /models)":
    "Nombre del modelo (ver /models)",
  "models users may pick, comma-separated (empty = all)":
    "modelos que pueden elegir los usuarios, separados por comas (vacío = todos)",
  "Name a limit. {0}":
    "Indica un límite. {0}",
  "Name the job, e.g. {0}; ℹ️ Recipe under a result shows its id.":
    "Indica el trabajo, p. ej. {0}; ℹ️ Recipe debajo de un resultado muestra su ID.",
  "negative prompt added to every request":
    "prompt negativo que se añade a cada solicitud",
  "Negative prompt: {0}":
    "Prompt negativo: {0}",
  "New value; - for the default":
    "Nuevo valor; - para el predeterminado",
  "New value; lists comma-separated, - for none":
    "Nuevo valor; listas separadas por comas, - para ninguno",
  "No limit of this server has been changed.":
    "No se ha cambiado ningún límite de este servidor.",
  "No model is allowed on this server. Server admins choose them with `/limits set allowed_models <names>`.":
    "No hay ningún modelo permitido en este servidor. Los administradores del servidor los eligen con `/limits set allowed_models <names>`.",
  "no: {0}":
    "no: {0}",
  "Noise schedule: karras or normal (ComfyUI’s scheduler)":
    "Programa de ruido: karras o normal (el scheduler de ComfyUI)",
  "None queued or running.":
    "Ninguno en cola ni en curso.",
  "Only server admins can ban users (here: {0}). Nothing was changed.":
    "Solo los administradores del servidor pueden vetar usuarios (aquí: {0}). No se ha cambiado nada.",
  "Only server admins can change limits (here: {0}). Nothing was changed.":
    "Solo los administradores del servidor pueden cambiar los límites (aquí: {0}). No se ha cambiado nada.",
  "Only server admins can see who changed the limits (here: {0}).":
    "Solo los administradores del servidor pueden ver quién cambió los límites (aquí: {0}).",
  "Only the person who asked for `{0}` or a server admin can cancel it.":
    "Solo quien pidió `{0}` o un administrador del servidor puede cancelarlo.",
  "Only the person who asked for this image, or {0}, can delete it.":
    "Solo quien pidió esta imagen, o {0}, puede eliminarla.",
  "pasted picture":
    "imagen pegada",
  "pattern flags may be i, m, s and u (got '{0}').":
    "los modificadores de un patrón pueden ser i, m, s y u (has escrito '{0}').",
  "Pick a region":
    "Elige una región",
  "Pick a user name first: 1–32 letters, digits, spaces or _ . ' - (in the side bar).":
    "Primero elige un nombre de usuario: 1–32 letras, dígitos, espacios o _ . ' - (en la barra lateral).",
  "Pick one of the regions in the menu.":
    "Elige una de las regiones del menú.",
  "Pick one with {0} after your prompt, e.g. {1}.":
    "Elige uno con {0} después de tu prompt, p. ej. {1}.",
  "Post a result of this server again, with its buttons":
    "Vuelve a publicar un resultado de este servidor, con sus botones",
  "private mode":
    "modo privado",
  "Private mode":
    "Modo privado",
  "Prompt":
    "Prompt",
  "Prompt: {0}":
    "Prompt: {0}",
  "Put a limit back to the default (server admins)":
    "Devuelve un límite a su valor predeterminado (administradores del servidor)",
  "Put one setting, or all of them, back to the default":
    "Devuelve un ajuste, o todos, a su valor predeterminado",
  "queued, place {0}{1}":
    "en cola, puesto {0}{1}",
  "reconnecting…":
    "reconectando…",
  "regular expressions that refuse a prompt, written /pattern/flags and separated by spaces (at most 50, 200 characters each)":
    "expresiones regulares que hacen rechazar un prompt, escritas como /pattern/flags y separadas por espacios (como máximo 50, de 200 caracteres cada una)",
  "Remix":
    "Remix",
  "Remix asks for the new prompt in a form, which this place cannot show; turn Remix off with `/settings set remix off`.":
    "Remix pide el nuevo prompt en un formulario, y aquí no se puede mostrar; desactiva Remix con `/settings set remix off`.",
  "Remix on":
    "Remix activado",
  "Remove the picture":
    "Quitar la imagen",
  "repeat is a whole number from 1 to {0}":
    "repeat es un número entero de 1 a {0}",
  "requests one user may make per minute (0 = no limit)":
    "solicitudes que un usuario puede hacer por minuto (0 = sin límite)",
  "Reset all":
    "Restablecer todo",
  "Right half":
    "Mitad derecha",
  "running{0}":
    "en curso{0}",
  "Sampler":
    "Sampler",
  "Sampler (add karras for Karras sigmas: dpmpp-2m-karras)":
    "Sampler (añade karras para sigmas Karras: dpmpp-2m-karras)",
  "Save":
    "Guardar",
  "Saved.":
    "Guardado.",
  "seconds of worker (GPU) time the jobs of this server may take per UTC day, shown in /info (0 = no budget)":
    "segundos de tiempo de cómputo (GPU) que los trabajos de este servidor pueden usar por día UTC, mostrados en /info (0 = sin presupuesto)",
  "seed {0}":
    "seed {0}",
  "Seed of the first image; the others use the next ones":
    "Seed de la primera imagen; las demás usan las siguientes",
  "seeds {0}":
    "seeds {0}",
  "Send":
    "Enviar",
  "server default {0}":
    "predeterminado del servidor: {0}",
  "server unreachable, retrying…":
    "servidor inaccesible, reintentando…",
  "Servers":
    "Servidores",
  "Show or change this server's image limits":
    "Muestra o cambia los límites de imágenes de este servidor",
  "Show the limits in force here":
    "Muestra los límites vigentes aquí",
  "Show your settings, with buttons to change them":
    "Muestra tus ajustes, con botones para cambiarlos",
  "Something went wrong while handling that; please try again.":
    "Algo ha salido mal al procesar eso; inténtalo de nuevo.",
  "Something went wrong while making this image; please try again.":
    "Algo ha salido mal al crear esta imagen; inténtalo de nuevo.",
  "Start from a picture (or paste or drop one here)":
    "Empezar desde una imagen (o pégala o suéltala aquí)",
  "step {0}/{1}":
    "paso {0}/{1}",
  "Steps":
    "Pasos",
  "Steps must be a whole number from 1 to {0}.":
    "Los pasos deben ser un número entero de 1 a {0}.",
  "Stop a user from using the bot in this server (server admins)":
    "Impide que un usuario use el bot en este servidor (administradores del servidor)",
  "Strength must be more than 0 and at most 1.":
    "La fuerza debe ser mayor que 0 y como máximo 1.",
  "Strength, 0–1 (how far from the picture)":
    "Fuerza, 0–1 (cuánto se aleja de la imagen)",
  "Suffix":
    "Sufijo",
  "suffix “{0}”":
    "sufijo «{0}»",
  "Suffix…":
    "Sufijo…",
  "That admin password is wrong; the command ran without admin rights.":
    "La contraseña de administrador es incorrecta; el comando se ejecutó sin permisos de administrador.",
  "That drawing did not arrive whole; draw the region again.":
    "Ese dibujo no llegó completo; vuelve a dibujar la región.",
  "That form is no longer open (it was left for a long time, or the bot restarted). Open it again; nothing was done.":
    "Ese formulario ya no está abierto (pasó mucho tiempo o el bot se reinició). Ábrelo de nuevo; no se ha hecho nada.",
  "That is too long: at most {0} characters.":
    "Es demasiado largo: como máximo {0} caracteres.",
  "That job has not finished yet.":
    "Ese trabajo aún no ha terminado.",
  "That makes {0} jobs ({1} prompts × `--repeat`); at most {2} run at once.":
    "Eso da {0} trabajos ({1} prompts × `--repeat`); como máximo se ejecutan {2} a la vez.",
  "That message has no picture. Use this on a message with an image (PNG, JPEG, WebP or GIF) attached.":
    "Ese mensaje no tiene ninguna imagen. Usa esto en un mensaje con una imagen adjunta (PNG, JPEG, WebP o GIF).",
  "That prompt makes {0} or more prompts; at most {1} run at once (counting `--repeat`).":
    "Ese prompt genera {0} prompts o más; como máximo se ejecutan {1} a la vez (contando `--repeat`).",
  "The {0} is given twice (the {1} option and `--{2}`); use one.":
    "{0} aparece dos veces (la opción {1} y `--{2}`); usa solo una.",
  "the child-safety check":
    "el control de protección infantil",
  "The drawing covers the whole picture; for that, use Vary (Strong).":
    "El dibujo cubre toda la imagen; para eso, usa Vary (Strong).",
  "The image this starts from has expired or was removed.":
    "La imagen de partida ha caducado o se ha eliminado.",
  "the image weight is a number from 0 to 3":
    "el peso de la imagen es un número de 0 a 3",
  "The job id (ℹ️ Recipe and /info show it)":
    "El ID del trabajo (lo muestran ℹ️ Recipe y /info)",
  "the model `{0}` allows":
    "permite el modelo `{0}`",
  "The model `{0}` cannot start from a picture (it has no VAE encoder); pick another with `--model`.":
    "El modelo `{0}` no puede partir de una imagen (no tiene codificador VAE); elige otro con `--model`.",
  "The model `{0}` is not allowed on this server.":
    "El modelo `{0}` no está permitido en este servidor.",
  "The model `{0}` is not allowed on this server. {1}":
    "El modelo `{0}` no está permitido en este servidor. {1}",
  "The model `{0}` makes 1 to {1} images at a time (asked for {2}).":
    "El modelo `{0}` crea de 1 a {1} imágenes a la vez (has pedido {2}).",
  "The model `{0}` only makes {1}×{2} images (asked for {3}).":
    "El modelo `{0}` solo crea imágenes de {1}×{2} (has pedido {3}).",
  "The models you can use here: family, size and default steps":
    "Los modelos que puedes usar aquí: familia, tamaño y pasos predeterminados",
  "The playground server cannot be reached. Is it still running?":
    "No se puede contactar con el servidor del playground. ¿Sigue en marcha?",
  "The prompt has parameters but no description; e.g. `/imagine red heart --ar 16:9`.":
    "El prompt tiene parámetros pero ninguna descripción; p. ej. `/imagine red heart --ar 16:9`.",
  "The prompt is {0} characters; the limit is {1}.":
    "El prompt tiene {0} caracteres; el límite es {1}.",
  "The prompt must be text.":
    "El prompt debe ser texto.",
  "The queue is full ({0} jobs); please try again in a few minutes.":
    "La cola está llena ({0} trabajos); inténtalo de nuevo en unos minutos.",
  "The queue is unavailable right now, so nothing was queued; please try again in a minute.":
    "La cola no está disponible ahora mismo, así que no se ha puesto nada en cola; inténtalo de nuevo en un minuto.",
  "the ratio must be between 1:4 and 4:1":
    "la relación debe estar entre 1:4 y 4:1",
  "The remixed prompt is empty.":
    "El prompt del Remix está vacío.",
  "the samplers are {0} (euler and dpmpp-2m also with Karras sigmas, e.g. `DPM++ 2M Karras`)":
    "los samplers son {0} (euler y dpmpp-2m también con sigmas Karras, p. ej. `DPM++ 2M Karras`)",
  "the schedules are karras and normal":
    "los programas de ruido son karras y normal",
  "The seed must be a whole number from 0 to {0}.":
    "La seed debe ser un número entero de 0 a {0}.",
  "The seed must be at most {0} for {1} images.":
    "La seed debe ser como máximo {0} para {1} imágenes.",
  "The server answered {0}.":
    "El servidor respondió {0}.",
  "The starting image must be 8-bit RGB pixels of its stated size.":
    "La imagen de partida debe tener píxeles RGB de 8 bits y el tamaño indicado.",
  "the strength is a number from 0 to 1":
    "la fuerza es un número de 0 a 1",
  "The suffix is {0} characters; the limit is {1}.":
    "El sufijo tiene {0} caracteres; el límite es {1}.",
  "The zoom factor is a number from {0} to {1} (got `{2}`).":
    "El factor de zoom es un número de {0} a {1} (has escrito `{2}`).",
  "There is no job {0} in this server (results are kept {1} days).":
    "No hay ningún trabajo {0} en este servidor (los resultados se guardan {1} días).",
  "There is no job `{0}`; `/info` lists yours.":
    "No existe el trabajo `{0}`; `/info` muestra los tuyos.",
  "This button belongs to an image made in another server.":
    "Este botón pertenece a una imagen creada en otro servidor.",
  "This button is no longer valid.":
    "Este botón ya no es válido.",
  "This image has expired (images are kept {0} days). Run the prompt again with its seed to get it back.":
    "Esta imagen ha caducado (las imágenes se guardan {0} días). Vuelve a ejecutar el prompt con su seed para recuperarla.",
  "This image has expired.":
    "Esta imagen ha caducado.",
  "This image is no longer available (images are kept {0} days).":
    "Esta imagen ya no está disponible (las imágenes se guardan {0} días).",
  "This image is no longer available.":
    "Esta imagen ya no está disponible.",
  "This image is no longer kept by the server.":
    "El servidor ya no conserva esta imagen.",
  "This job has no image #{0}.":
    "Este trabajo no tiene la imagen #{0}.",
  "This needs {0}, but only {1} of this server's daily {2} are left; resets at 00:00 UTC (in {3}).":
    "Esto necesita {0}, pero solo quedan {1} de las {2} diarias de este servidor; se reinicia a las 00:00 UTC (dentro de {3}).",
  "This needs {0}, but only {1} of your daily {2} are left; resets at 00:00 UTC (in {3}).":
    "Esto necesita {0}, pero solo te quedan {1} de tus {2} diarias; se reinicia a las 00:00 UTC (dentro de {3}).",
  "This prompt cannot be used: sexual content involving minors is never made here.":
    "Este prompt no se puede usar: aquí nunca se genera contenido sexual con menores.",
  "This result was not posted: this server's image safety check flagged it. The images were given back to your quota.":
    "Este resultado no se ha publicado: el control de seguridad de imágenes de este servidor lo ha marcado. Las imágenes se han devuelto a tu cuota.",
  "this server allows":
    "permite este servidor",
  "This server has used its daily {0} seconds of generation time; resets at 00:00 UTC (in {1}).":
    "Este servidor ha usado sus {0} segundos diarios de tiempo de generación; se reinicia a las 00:00 UTC (en {1}).",
  "This server: {0}":
    "Este servidor: {0}",
  "Too many wrong admin passwords from this address; wait a minute.":
    "Demasiadas contraseñas de administrador incorrectas desde esta dirección; espera un minuto.",
  "Top half":
    "Mitad superior",
  "Top-left quarter":
    "Cuarto superior izquierdo",
  "Top-right quarter":
    "Cuarto superior derecho",
  "Try:":
    "Prueba:",
  "Type {0} and press Enter. Everyone in this server sees the result.":
    "Escribe {0} y pulsa Intro. Todos en este servidor ven el resultado.",
  "Unknown `/{0} {1}`.":
    "Subcomando desconocido: `/{0} {1}`.",
  "Unknown `/limits {0}`. {1}":
    "Subcomando desconocido: `/limits {0}`. {1}",
  "Unknown command `{0}`. Commands: {1}.":
    "Comando desconocido `{0}`. Comandos: {1}.",
  "Unknown command `/{0}`. Available: {1}.":
    "Comando desconocido `/{0}`. Disponibles: {1}.",
  "Unknown command `/{0}`. Commands: {1}.":
    "Comando desconocido `/{0}`. Comandos: {1}.",
  "unknown limit '{0}'; known: {1}":
    "límite desconocido '{0}'; conocidos: {1}",
  "Unknown limit `{0}`. Limits: {1}.":
    "Límite desconocido `{0}`. Límites: {1}.",
  "Unknown model '{0}'.":
    "Modelo desconocido '{0}'.",
  "Unknown model `{0}`. Available: {1}.":
    "Modelo desconocido `{0}`. Disponibles: {1}.",
  "Unknown model `{0}`. Known models: {1}.":
    "Modelo desconocido `{0}`. Modelos conocidos: {1}.",
  "Unknown parameter `--{0}`. Known parameters: {1}.":
    "Parámetro desconocido `--{0}`. Parámetros conocidos: {1}.",
  "Unknown sampler `{0}`; the samplers are {1}.":
    "Sampler desconocido `{0}`; los samplers son {1}.",
  "Unknown setting `{0}`. Settings: {1}.":
    "Ajuste desconocido `{0}`. Ajustes: {1}.",
  "unsafe score (0–1) from which the safety check flags a result":
    "puntuación de riesgo (0–1) a partir de la cual el control de seguridad marca un resultado",
  "unsafe score {0}":
    "puntuación de riesgo {0}",
  "Up to {0} requests a minute, {1} jobs waiting at once.":
    "Hasta {0} solicitudes por minuto y {1} trabajos en espera a la vez.",
  "Upscaling is turned off on this server.":
    "Las ampliaciones (Upscale) están desactivadas en este servidor.",
  "Upscaling this image {0}× would make {1}×{2}":
    "Ampliar esta imagen {0}× daría {1}×{2}",
  "Upscaling this image {0}× would make {1}×{2}; this bot upscales to at most {3} pixels.":
    "Ampliar esta imagen {0}× daría {1}×{2}; este bot amplía hasta {3} píxeles como máximo.",
  "Usage: {0}.":
    "Uso: {0}.",
  "Usage: `/cancel` (your newest job) or `/cancel <job id>` (ids are shown by `/info`).":
    "Uso: `/cancel` (tu trabajo más reciente) o `/cancel <job id>` (`/info` muestra los ID).",
  "Usage: `/limits show`, `/limits set <name> <value>` (lists comma-separated, `-` for none), `/limits reset <name>`, `/limits history`, `/limits ban @user`, `/limits unban @user`.":
    "Uso: `/limits show`, `/limits set <name> <value>` (listas separadas por comas, `-` para ninguno), `/limits reset <name>`, `/limits history`, `/limits ban @user`, `/limits unban @user`.",
  "Use `/imagine` with the picture attached, or its link at the start of the prompt.":
    "Usa `/imagine` con la imagen adjunta, o con su enlace al principio del prompt.",
  "Use this region":
    "Usar esta zona",
  "User name":
    "Nombre de usuario",
  "V, Vary and Zoom Out ask for the prompt first (on or off)":
    "V, Vary y Zoom Out piden primero el prompt (on u off)",
  "Vary (Region) asks for the prompt in a form, which this place cannot show.":
    "Vary (Region) pide el prompt en un formulario, y aquí no se puede mostrar.",
  "Welcome to #general on {0}":
    "Te damos la bienvenida a #general en {0}",
  "What to leave out (same as --no)":
    "Qué excluir (igual que --no)",
  "What to make of the picture, e.g. a watercolor painting --ar 3:2":
    "Qué hacer con la imagen, p. ej. a watercolor painting --ar 3:2",
  "whether /imagine takes a picture to start from, attached or linked (on or off)":
    "si /imagine acepta una imagen de partida, adjunta o enlazada (on u off)",
  "whether a running job shows its pictures as they form (on or off)":
    "si un trabajo en curso muestra sus imágenes mientras se forman (on u off)",
  "whether results can be edited: Zoom Out, Custom Zoom, Make Square and Pan (on or off)":
    "si los resultados se pueden editar: Zoom Out, Custom Zoom, Make Square y Pan (on u off)",
  "whether upscale buttons work":
    "si funcionan los botones Upscale",
  "Which limit":
    "Qué límite",
  "Which setting":
    "Qué ajuste",
  "Who changed which limit when (server admins)":
    "Quién cambió qué límite y cuándo (administradores del servidor)",
  "Whom":
    "A quién",
  "words that refuse a prompt, comma-separated":
    "palabras que hacen rechazar un prompt, separadas por comas",
  "workspace admins and owners, and the users the deployer lists in SLACK_ADMIN_USERS":
    "los administradores y propietarios del espacio de trabajo, y los usuarios que quien despliega el bot incluye en SLACK_ADMIN_USERS",
  "write each pattern as /pattern/flags, e.g. /\\bfoo+\\b/i (got '{0}').":
    "escribe cada patrón como /pattern/flags, p. ej. /\\bfoo+\\b/i (has escrito '{0}').",
  "write each pattern as /pattern/flags, separated by spaces or commas, e.g. /\\bfoo+\\b/i /bar/ (could not read '{0}').":
    "escribe cada patrón como /pattern/flags, separados por espacios o comas, p. ej. /\\bfoo+\\b/i /bar/ (no se pudo leer '{0}').",
  "You":
    "Tú",
  "You already have {0} waiting (the limit here is {1}); please wait until one starts.":
    "Ya tienes {0} en espera (el límite aquí es {1}); espera a que empiece alguno.",
  "You can make {0} a minute here; please try again in {1}.":
    "Aquí puedes hacer {0} por minuto; inténtalo de nuevo dentro de {1}.",
  "You cannot ban yourself. Nothing was changed.":
    "No puedes vetarte a ti mismo. No se ha cambiado nada.",
  "You have no queued or running jobs.":
    "No tienes trabajos en cola ni en curso.",
  "You reached your daily limit of {0} images on this server; resets at 00:00 UTC (in {1}).":
    "Has alcanzado tu límite diario de {0} imágenes en este servidor; se reinicia a las 00:00 UTC (dentro de {1}).",
  "You: {0}":
    "Tú: {0}",
  "your default aspect ratio, e.g. 16:9":
    "tu relación de aspecto predeterminada, p. ej. 16:9",
  "your default guidance (cfg)":
    "tu guía (cfg) predeterminada",
  "your default model (see /models)":
    "tu modelo predeterminado (ver /models)",
  "your default number of steps":
    "tu número de pasos predeterminado",
  "your default sampler, e.g. dpmpp-2m-karras":
    "tu sampler predeterminado, p. ej. dpmpp-2m-karras",
  "Your defaults: {0} (change them with `/settings`)":
    "Tus valores predeterminados: {0} (cámbialos con `/settings`)",
  "Your own defaults here: model, size, steps, sampler, suffix, Remix, private mode":
    "Tus valores predeterminados aquí: modelo, tamaño, pasos, sampler, sufijo, Remix, modo privado",
  "Your prompt contains a word this server does not allow (\"{0}\"); please rephrase it.":
    "Tu prompt contiene una palabra que este servidor no permite («{0}»); reformúlalo.",
  "Your prompt could not be checked against this server's blocked patterns in time; please shorten it, or ask an admin to simplify the patterns.":
    "No se ha podido comprobar a tiempo tu prompt con los patrones bloqueados de este servidor; acórtalo o pide a un administrador que simplifique los patrones.",
  "Your prompt matches a pattern this server does not allow; please rephrase it.":
    "Tu prompt coincide con un patrón que este servidor no permite; reformúlalo.",
  "your results only you see (on or off)":
    "tus resultados solo los ves tú (on u off)",
  "Your settings are back to the defaults.":
    "Tus ajustes vuelven a los valores predeterminados.",
  "Your usage today, quota left, and your queued and running jobs":
    "Tu uso de hoy, la cuota restante y tus trabajos en cola y en curso",
};

export default catalogue;
