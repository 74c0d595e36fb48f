/** French messages: English template → translation, with the same {0} places and md syntax (see src/core/i18n.ts). */
import type { Catalogue } from '../i18n.js';

const catalogue: Catalogue = {
  "\n…and {0} more jobs, each in its own message.":
    "\n…et {0} tâches de plus, chacune dans son propre message.",
  "\n…and 1 more job, in its own message.":
    "\n…et 1 tâche de plus, dans son propre message.",
  "\n{0} of {1} jobs queued; the rest were not: {2}":
    "\n{0} tâches sur {1} mises en file d'attente ; les autres non : {2}",
  "\nChange one with `/limits set <name> <value>`; undo with `/limits reset <name>`.":
    "\nModifiez-en une avec `/limits set <name> <value>` ; annulez avec `/limits reset <name>`.",
  "\nPrompt: {0}":
    "\nPrompt : {0}",
  " — #{0} in queue{1}":
    " — #{0} dans la file{1}",
  " · {0} left":
    " · encore {0}",
  " · from {0}":
    " · à partir de {0}",
  " · job {0}":
    " · tâche {0}",
  " · starts in {0}":
    " · démarre dans {0}",
  " (default)":
    " (par défaut)",
  " Try Upscale (2×).":
    " Essayez Upscale (2×).",
  ", {0} left":
    ", encore {0}",
  ", starts in {0}":
    ", démarre dans {0}",
  "(no prompt)":
    "(sans prompt)",
  "{0} - Image #{1} (upscaled {2}×) {3}":
    "{0} - Image #{1} (agrandie {2}×) {3}",
  "{0} - Make Square by {1}":
    "{0} - Make Square par {1}",
  "{0} - Pan Down by {1}":
    "{0} - Pan Down par {1}",
  "{0} - Pan Left by {1}":
    "{0} - Pan Left par {1}",
  "{0} - Pan Right by {1}":
    "{0} - Pan Right par {1}",
  "{0} - Pan Up by {1}":
    "{0} - Pan Up par {1}",
  "{0} - Upscaled ({1}×) by {2}":
    "{0} - Upscale ({1}×) par {2}",
  "{0} - Variations (Strong) by {1}":
    "{0} - Variations (Strong) par {1}",
  "{0} - Variations (Subtle) by {1}":
    "{0} - Variations (Subtle) par {1}",
  "{0} - Vary (Region: {1}) by {2}":
    "{0} - Vary (Region: {1}) par {2}",
  "{0} - Zoom Out {1}× by {2}":
    "{0} - Zoom Out {1}× par {2}",
  "{0} - Zoom Out by {1}":
    "{0} - Zoom Out par {1}",
  "{0} — {1} by {2}":
    "{0} — {1} par {2}",
  "{0} — the next /imagine starts from it":
    "{0} — le prochain /imagine partira de cette image",
  "{0} · {1}×{2} · {3} · guidance {4} · {5}":
    "{0} · {1}×{2} · {3} · guidage {4} · {5}",
  "{0} (cancelled)":
    "{0} (annulée)",
  "{0} (Starting…{1})":
    "{0} (Démarrage…{1})",
  "{0} (Upscaling…{1})":
    "{0} (Agrandissement…{1})",
  "{0} (Waiting to start{1})":
    "{0} (En attente de démarrage{1})",
  "{0} can no longer use the bot in this server; `/limits unban` undoes it.":
    "{0} ne peut plus utiliser le bot sur ce serveur ; `/limits unban` annule cette action.",
  "{0} can use the bot in this server again.":
    "{0} peut de nouveau utiliser le bot sur ce serveur.",
  "{0} from {1}: {2}":
    "{0} — {1} : {2}",
  "{0} images":
    "{0} images",
  "{0} is {1} characters; the limit is {2}.":
    "Le champ {0} fait {1} caractères ; la limite est de {2}.",
  "{0} is at most 500 characters.":
    "{0} ne peut pas dépasser 500 caractères.",
  "{0} is back to the default.":
    "{0} : retour à la valeur par défaut.",
  "{0} is from {1} to {2} (got `{3}`).":
    "Le champ {0} va de {1} à {2} (reçu : `{3}`).",
  "{0} is larger than `{1}` can make (at most {2} pixels, e.g. {3}).":
    "{0} dépasse ce que `{1}` peut créer ({2} pixels au maximum, par ex. {3}).",
  "{0} is larger than this server allows (at most {1} pixels, e.g. {2}).":
    "{0} dépasse ce que ce serveur autorise ({1} pixels au maximum, par ex. {2}).",
  "{0} is needed.":
    "Le champ {0} est obligatoire.",
  "{0} is not a size `{1}` can make: width and height are multiples of {2} pixels.":
    "{0} n'est pas une taille que `{1}` peut créer : la largeur et la hauteur doivent être des multiples de {2} pixels.",
  "{0} is not a valid regular expression: {1}.":
    "{0} n'est pas une expression régulière valide : {1}.",
  "{0} is now {1}.":
    "{0} : désormais {1}.",
  "{0} is outside what `{1}` can make (each side from {2} to {3} pixels).":
    "{0} sort de ce que `{1}` peut créer (chaque côté de {2} à {3} pixels).",
  "{0} jobs":
    "{0} tâches",
  "{0} left":
    "encore {0}",
  "{0} must be a channel: pick it with # (got '{1}').":
    "{0} doit être un salon : choisissez-le avec # (reçu : « {1} »).",
  "{0} must be a number from {1} to {2} (got '{3}').":
    "{0} doit être un nombre de {1} à {2} (reçu : « {3} »).",
  "{0} must be a whole number from {1} to {2} (got '{3}').":
    "{0} doit être un nombre entier de {1} à {2} (reçu : « {3} »).",
  "{0} must be from {1} to {2} (got {3}).":
    "{0} doit être compris entre {1} et {2} (reçu : {3}).",
  "{0} must be one of {1} (got '{2}').":
    "{0} doit prendre l'une des valeurs {1} (reçu : « {2} »).",
  "{0} must be true or false (got '{1}').":
    "{0} doit valoir true ou false (reçu : « {1} »).",
  "{0} Nothing was changed.":
    "{0} Rien n'a été modifié.",
  "{0} requests":
    "{0} requêtes",
  "{0} steps":
    "{0} étapes",
  "{0} steps is more than {1} (at most {2}); try `--steps {3}`.":
    "{0} étapes, c'est plus que ce que {1} ({2} au maximum) ; essayez `--steps {3}`.",
  "{0} The message could not be taken down; remove it yourself.":
    "{0} Le message n'a pas pu être retiré ; supprimez-le vous-même.",
  "{0} was already banned here.":
    "{0} figurait déjà parmi les utilisateurs bannis de ce serveur.",
  "{0} was not banned here.":
    "{0} ne figurait pas parmi les utilisateurs bannis de ce serveur.",
  "{0}; this bot upscales to at most {1} pixels.":
    "{0} ; ce bot agrandit jusqu'à {1} pixels au maximum.",
  "{0}; this server allows at most {1} pixels (`max_upscale_pixels`).{2}":
    "{0} ; ce serveur autorise au maximum {1} pixels (`max_upscale_pixels`).{2}",
  "{0}: {1} has a bad value {2} ({3})":
    "{0} : {1} a une valeur incorrecte, {2} ({3})",
  "{0}: missing {1} ({2})":
    "{0} : {1} manquant ({2})",
  "{0}: unknown limit '{1}'; known: {2}":
    "{0} : limite inconnue « {1} » ; limites connues : {2}",
  "{0}×{1}, {2} steps by default":
    "{0}×{1}, {2} étapes par défaut",
  "**{0}** · {1} of {2} left":
    "**{0}** · {1} restant sur {2}",
  "**{0}** (no daily budget)":
    "**{0}** (pas de budget quotidien)",
  "**{0}** images · {1} of {2} left":
    "**{0}** images · il en reste {1} sur {2}",
  "**{0}** images (no daily limit)":
    "**{0}** images (pas de limite quotidienne)",
  "**1** image · {0} of {1} left":
    "**1** image · il en reste {0} sur {1}",
  "**1** image (no daily limit)":
    "**1** image (pas de limite quotidienne)",
  "**Limit changes in this server** (newest first, last {0})\n":
    "**Modifications des limites de ce serveur** (les plus récentes d'abord, {0} dernières)\n",
  "**Limits for this server**\n":
    "**Limites de ce serveur**\n",
  "**Models on this server**":
    "**Modèles de ce serveur**",
  "**Recipe** of {0}":
    "**Recette** de {0}",
  "**Today (UTC)**, resets at 00:00 UTC (in {0})":
    "**Aujourd'hui (UTC)**, réinitialisation à 00:00 UTC (dans {0})",
  "**Vary (Region)**: which part of image #{0} should change? The rest stays as it is.":
    "**Vary (Region)** : quelle partie de l'image #{0} faut-il modifier ? Le reste ne change pas.",
  "**Your jobs**":
    "**Vos tâches**",
  "**Your settings here** (a parameter in the prompt beats them)":
    "**Vos réglages ici** (un paramètre dans le prompt a la priorité)",
  "`--{0}` is given twice.":
    "`--{0}` est indiqué deux fois.",
  "`--{0}` needs a value, e.g. `{1}`.":
    "`--{0}` nécessite une valeur, par ex. `{1}`.",
  "`--iw` and `--strength` are for a picture to start from: attach one, or put its link at the start of the prompt.":
    "`--iw` et `--strength` s'appliquent à une image de départ : joignez-en une, ou mettez son lien au début du prompt.",
  "`{0}` **{1}** (set here) — {2}":
    "`{0}` **{1}** (défini ici) — {2}",
  "`{0}` has already finished.":
    "La tâche `{0}` est déjà terminée.",
  "`{0}` has no VAE encoder, so it cannot start from an image.":
    "`{0}` n'a pas d'encodeur VAE, il ne peut donc pas partir d'une image.",
  "`{0}` is a number (got `{1}`).":
    "`{0}` doit être un nombre (reçu : `{1}`).",
  "`{0}` is a user: mention them, e.g. `@alice` (got `{1}`).":
    "`{0}` est un utilisateur : mentionnez-le, par ex. `@alice` (reçu : `{1}`).",
  "`{0}` is a whole number (got `{1}`).":
    "`{0}` doit être un nombre entier (reçu : `{1}`).",
  "`{0}` is back to the default: **{1}** (was {2}).":
    "`{0}` revient à la valeur par défaut : **{1}** (avant : {2}).",
  "`{0}` is now **{1}** (was {2}).":
    "`{0}` vaut maintenant **{1}** (avant : {2}).",
  "`{0}` is on or off (got `{1}`).":
    "`{0}` doit valoir on ou off (reçu : `{1}`).",
  "`{0}` is true or false (got `{1}`).":
    "`{0}` doit valoir true ou false (reçu : `{1}`).",
  "`{0}` only makes {1}×{2} images, so `--ar {3}` is not available with it.":
    "`{0}` ne crée que des images en {1}×{2}, donc `--ar {3}` n'est pas disponible avec ce modèle.",
  "`{0}` reset to {1} (was {2})":
    "`{0}` réinitialisé à {1} (avant : {2})",
  "▭ Rectangle":
    "▭ Rectangle",
  "✔ Admin (local)":
    "✔ Admin (local)",
  "✔ Admin (password accepted)":
    "✔ Admin (mot de passe accepté)",
  "❌ The result of this job is missing.":
    "❌ Le résultat de cette tâche est introuvable.",
  "👁 Only you can see this ·":
    "👁 Vous seul pouvez voir ceci ·",
  "📝 Open the form":
    "📝 Ouvrir le formulaire",
  "🖌️ Brush":
    "🖌️ Pinceau",
  "🛡️ Blocked image":
    "🛡️ Image bloquée",
  "🛡️ Refused prompt":
    "🛡️ Prompt refusé",
  "🛡️ Spoilered image":
    "🛡️ Image mise en spoiler",
  "0.75 (0 keeps the picture, 1 ignores it)":
    "0.75 (0 garde l'image, 1 l'ignore)",
  "1 image":
    "1 image",
  "1 job":
    "1 tâche",
  "1 request":
    "1 requête",
  "1 step":
    "1 étape",
  "a banned user":
    "un utilisateur banni",
  "a blocked pattern":
    "un motif bloqué",
  "a blocked word":
    "un mot bloqué",
  "A mask needs a picture to start from.":
    "Un masque nécessite une image de départ.",
  "a model name has no spaces":
    "un nom de modèle ne contient pas d'espaces",
  "a pattern is at most {0} characters (got {1}).":
    "un motif fait au plus {0} caractères (reçu : {1}).",
  "a pattern takes too long on long text (over {0} ms); simplify it (nested repeats like (a+)+ are the usual cause).":
    "un motif prend trop de temps sur un texte long (plus de {0} ms) ; simplifiez-le (les répétitions imbriquées comme (a+)+ en sont la cause habituelle).",
  "A picture to start from (PNG, JPEG, WebP or GIF); a link at the start of the prompt works too":
    "Une image de départ (PNG, JPEG, WebP ou GIF) ; un lien au début du prompt fonctionne aussi",
  "a result the safety check flags: block (not posted), spoiler, or allow (age-restricted channels; a spoiler elsewhere)":
    "résultat signalé par le contrôle de sécurité : block (non publié), spoiler, ou allow (salons soumis à une limite d'âge ; spoiler ailleurs)",
  "A server admin has stopped you from using this bot in this server. Nothing was done.":
    "Un admin du serveur vous a interdit d'utiliser ce bot sur ce serveur. Rien n'a été fait.",
  "Added to every prompt":
    "Ajouté à chaque prompt",
  "Admin actions need the password.":
    "Les actions d’administration demandent le mot de passe.",
  "Admin password":
    "Mot de passe administrateur",
  "Allowed: {0}.":
    "Autorisés : {0}.",
  "an aspect ratio is width:height, e.g. 16:9, 2:3 or 1:1":
    "un format d'image s'écrit largeur:hauteur, par ex. 16:9, 2:3 ou 1:1",
  "Any number of requests a minute, {0} jobs waiting at once.":
    "Requêtes par minute illimitées, {0} tâches en attente à la fois.",
  "anyone on this machine, or whoever gives WEB_PASSWORD when the playground is exposed":
    "toute personne sur cette machine, ou quiconque fournit WEB_PASSWORD quand le playground est exposé",
  "Ask an admin which models are allowed.":
    "Demandez à un admin quels modèles sont autorisés.",
  "Aspect ratio":
    "Format d'image",
  "at most {0} patterns (got {1}).":
    "{0} motifs au maximum (reçu : {1}).",
  "Attach a picture":
    "Joindre une image",
  "both sides must be at least 1":
    "les deux côtés doivent valoir au moins 1",
  "Bottom half":
    "Moitié inférieure",
  "Bottom-left quarter":
    "Quart inférieur gauche",
  "Bottom-right quarter":
    "Quart inférieur droit",
  "Brush size":
    "Taille du pinceau",
  "Cancel":
    "Annuler",
  "Cancel one with `/cancel <job>`.":
    "Annulez-en une avec `/cancel <job>`.",
  "Cancel your newest queued or running job, or the one named":
    "Annuler votre dernière tâche en attente ou en cours, ou celle indiquée",
  "Cancelled `{0}`.":
    "Tâche `{0}` annulée.",
  "Centre":
    "Centre",
  "Change a limit (server admins)":
    "Modifier une limite (admins du serveur)",
  "Change it with {0}, e.g. {1}.":
    "Modifiez vos réglages avec {0}, par ex. {1}.",
  "Change one setting":
    "Modifier un réglage",
  "channel that gets every refused prompt and every blocked or spoilered image (- for none)":
    "salon qui reçoit chaque prompt refusé et chaque image bloquée ou mise en spoiler (- pour aucun)",
  "Clear":
    "Effacer",
  "Commands start with a slash, e.g. `/imagine red heart --seed 7`. Available: {0}.":
    "Les commandes commencent par une barre oblique, par ex. `/imagine red heart --seed 7`. Disponibles : {0}.",
  "connecting…":
    "connexion…",
  "Create four images from a text prompt":
    "Créer quatre images à partir d'un prompt texte",
  "Custom Zoom asks for the factor in a form, which this place cannot show; use Zoom Out 2× or 1.5×.":
    "Custom Zoom demande le facteur dans un formulaire, qui ne peut pas s'afficher ici ; utilisez Zoom Out 2× ou 1.5×.",
  "Daily limit of {0} images for this server reached; resets at 00:00 UTC (in {1}).":
    "Limite quotidienne de {0} images atteinte pour ce serveur ; réinitialisation à 00:00 UTC (dans {1}).",
  "default ({0})":
    "par défaut ({0})",
  "Default ({0})":
    "Par défaut ({0})",
  "Defaults…":
    "Valeurs par défaut…",
  "Deleted the result of {0}.":
    "Résultat de {0} supprimé.",
  "Denoising steps":
    "Étapes de débruitage",
  "Describe the image you want, e.g. `/imagine red heart --seed 7`.":
    "Décrivez l'image souhaitée, par ex. `/imagine red heart --seed 7`.",
  "disconnected, retrying…":
    "déconnecté, nouvelle tentative…",
  "Dismiss message":
    "Masquer le message",
  "Drag a rectangle, or paint with the brush, over the part to change. The rest stays as it is.":
    "Tracez un rectangle, ou peignez au pinceau, sur la partie à changer. Le reste ne bouge pas.",
  "Draw over the part of the picture to change first.":
    "Dessinez d'abord sur la partie de l'image à modifier.",
  "Draw the region":
    "Dessinez la zone",
  "Drawn area":
    "Zone dessinée",
  "e.g. watercolor, soft light --ar 3:2 --no text":
    "par ex. watercolor, soft light --ar 3:2 --no text",
  "Each PNG carries this as A1111's {0} (PNG Info and ComfyUI read it). {1} posts the result again.":
    "Chaque PNG contient ces informations dans le champ {0} d'A1111 (lisible par PNG Info et ComfyUI). {1} republie le résultat.",
  "Each tab is a user: open another tab with another name to watch the queue share its turns.":
    "Chaque onglet est un utilisateur : ouvrez un autre onglet avec un autre nom pour voir la file d'attente partager ses tours.",
  "Editing results (zoom, pan, make square, vary region) is turned off on this server.":
    "La modification des résultats (Zoom Out, Pan, Make Square, Vary (Region)) est désactivée sur ce serveur.",
  "empty for the default; {0}":
    "vide pour la valeur par défaut ; {0}",
  "Generation time today: {0}":
    "Temps de génération aujourd’hui : {0}",
  "Give a value for `{0}`. {1}":
    "Indiquez une valeur pour `{0}`. {1}",
  "Guidance (cfg)":
    "Guidage (cfg)",
  "guidance (cfg) is a number from 0 to {0}":
    "le guidage (cfg) est un nombre de 0 à {0}",
  "Guidance (cfg) must be a number from 0 to {0}.":
    "Le guidage (cfg) doit être un nombre de 0 à {0}.",
  "How closely to follow the prompt (cfg)":
    "Fidélité au prompt (cfg)",
  "How far from the picture to move, 0–1 (img2img strength)":
    "Écart par rapport à l'image, 0–1 (force img2img)",
  "How much the picture counts, 0–3 (Midjourney’s image weight)":
    "Poids de l'image de départ, 0–3 (l'image weight de Midjourney)",
  "I cannot tell who `{0}` is: mention them so their name turns into a link. Nothing was changed.":
    "Je ne sais pas qui est `{0}` : mentionnez la personne pour que son nom devienne un lien. Rien n'a été modifié.",
  "I only work in servers here; run the command in a server channel.":
    "Ici, je ne fonctionne que sur des serveurs ; lancez la commande dans un salon de serveur.",
  "image #{0}":
    "l'image #{0}",
  "Image prompts are turned off on this server; send the prompt without a picture.":
    "Les prompts avec image sont désactivés sur ce serveur ; envoyez le prompt sans image.",
  "Image prompts are turned off on this server.":
    "Les prompts avec image sont désactivés sur ce serveur.",
  "images one user may make per UTC day (0 = no limit)":
    "images qu'un utilisateur peut créer par jour UTC (0 = pas de limite)",
  "images this server may make per UTC day (0 = no limit)":
    "images que ce serveur peut créer par jour UTC (0 = pas de limite)",
  "Imagine":
    "Imaginer",
  "Imagine from this image":
    "Imaginer à partir de l'image",
  "Invalid {0} `{1}`: {2}.":
    "Valeur `{1}` invalide pour {0} : {2}.",
  "Invalid {0} `{1}`: {2}. Example: `{3}`.":
    "Valeur `{1}` invalide pour {0} : {2}. Exemple : `{3}`.",
  "Invalid `--{0} {1}`: {2}. Example: `{3}`.":
    "`--{0} {1}` invalide : {2}. Exemple : `{3}`.",
  "Job {0} has not finished ({1}); only finished results can be shown again.":
    "La tâche {0} n’est pas terminée ({1}) ; seuls les résultats terminés peuvent être affichés à nouveau.",
  "Job id (default: your newest)":
    "ID de la tâche (par défaut : la plus récente)",
  "jobs of this server running at once":
    "tâches de ce serveur exécutées en même temps",
  "jobs one user may have waiting":
    "tâches qu'un utilisateur peut avoir en attente",
  "Karras sigmas work with {0} (as in diffusers), not {1}; pick one of those with `--sampler`.":
    "Les sigmas Karras fonctionnent avec {0} (comme dans diffusers), pas avec {1} ; choisissez l'un de ceux-là avec `--sampler`.",
  "Karras sigmas work with {0}, not {1}.":
    "Les sigmas Karras fonctionnent avec {0}, pas avec {1}.",
  "language of the bot's public messages: auto (the Discord server's language, else English), en, de, fr, es or ja":
    "langue des messages publics du bot : auto (la langue du serveur Discord, sinon l'anglais), en, de, fr, es ou ja",
  "largest number of denoising steps":
    "nombre maximal d'étapes de débruitage",
  "largest width×height in pixels":
    "largeur×hauteur maximale en pixels",
  "largest width×height in pixels an upscale may make":
    "largeur×hauteur maximale en pixels que peut produire un agrandissement (upscale)",
  "Left half":
    "Moitié gauche",
  "Let a banned user use the bot again (server admins)":
    "Autoriser de nouveau un utilisateur banni à utiliser le bot (admins du serveur)",
  "live":
    "en direct",
  "Make four new images starting from the picture in this message":
    "Créer quatre nouvelles images à partir de l'image de ce message",
  "marked sensitive by the image safety check":
    "marqué comme sensible par le contrôle de sécurité des images",
  "Marked sensitive: click to show":
    "Marquée comme sensible : cliquez pour l’afficher",
  "members with the Manage Server permission":
    "les membres ayant la permission Gérer le serveur",
  "Message":
    "Message",
  "Model":
    "Modèle",
  "model {0}":
    "modèle {0}",
  "model default {0}":
    "valeur du modèle : {0}",
  "Model name (see /models)":
    "Nom du modèle (voir /models)",
  "models users may pick, comma-separated (empty = all)":
    "modèles que les utilisateurs peuvent choisir, séparés par des virgules (vide = tous)",
  "Name a limit. {0}":
    "Indiquez une limite. {0}",
  "Name the job, e.g. {0}; ℹ️ Recipe under a result shows its id.":
    "Indiquez la tâche, par ex. {0} ; ℹ️ Recipe sous un résultat affiche son ID.",
  "negative prompt added to every request":
    "prompt négatif ajouté à chaque requête",
  "Negative prompt: {0}":
    "Prompt négatif : {0}",
  "New value; - for the default":
    "Nouvelle valeur ; - pour la valeur par défaut",
  "New value; lists comma-separated, - for none":
    "Nouvelle valeur ; listes séparées par des virgules, - pour aucune valeur",
  "No limit of this server has been changed.":
    "Aucune limite de ce serveur n'a été modifiée.",
  "No model is allowed on this server. Server admins choose them with `/limits set allowed_models <names>`.":
    "Aucun modèle n'est autorisé sur ce serveur. Les admins du serveur les choisissent avec `/limits set allowed_models <names>`.",
  "no: {0}":
    "sans : {0}",
  "Noise schedule: karras or normal (ComfyUI’s scheduler)":
    "Planification du bruit : karras ou normal (le scheduler de ComfyUI)",
  "None queued or running.":
    "Aucune en attente ou en cours.",
  "Only server admins can ban users (here: {0}). Nothing was changed.":
    "Seuls les admins du serveur peuvent bannir des utilisateurs (ici : {0}). Rien n'a été modifié.",
  "Only server admins can change limits (here: {0}). Nothing was changed.":
    "Seuls les admins du serveur peuvent modifier les limites (ici : {0}). Rien n'a été modifié.",
  "Only server admins can see who changed the limits (here: {0}).":
    "Seuls les admins du serveur peuvent voir qui a modifié les limites (ici : {0}).",
  "Only the person who asked for `{0}` or a server admin can cancel it.":
    "La tâche `{0}` ne peut être annulée que par la personne qui l'a demandée ou par un admin du serveur.",
  "Only the person who asked for this image, or {0}, can delete it.":
    "Cette image ne peut être supprimée que par la personne qui l'a demandée ou par {0}.",
  "pasted picture":
    "image collée",
  "pattern flags may be i, m, s and u (got '{0}').":
    "les flags d'un motif peuvent être i, m, s et u (reçu : « {0} »).",
  "Pick a region":
    "Choisissez une zone",
  "Pick a user name first: 1–32 letters, digits, spaces or _ . ' - (in the side bar).":
    "Choisissez d’abord un nom d’utilisateur : 1 à 32 lettres, chiffres, espaces ou _ . ' - (dans la barre latérale).",
  "Pick one of the regions in the menu.":
    "Choisissez l'une des zones du menu.",
  "Pick one with {0} after your prompt, e.g. {1}.":
    "Choisissez-en un avec {0} après votre prompt, par ex. {1}.",
  "Post a result of this server again, with its buttons":
    "Republier un résultat de ce serveur, avec ses boutons",
  "private mode":
    "mode privé",
  "Private mode":
    "Mode privé",
  "Prompt":
    "Prompt",
  "Prompt: {0}":
    "Prompt : {0}",
  "Put a limit back to the default (server admins)":
    "Remettre une limite à sa valeur par défaut (admins du serveur)",
  "Put one setting, or all of them, back to the default":
    "Remettre un réglage, ou tous, à la valeur par défaut",
  "queued, place {0}{1}":
    "en attente, position {0}{1}",
  "reconnecting…":
    "reconnexion…",
  "regular expressions that refuse a prompt, written /pattern/flags and separated by spaces (at most 50, 200 characters each)":
    "expressions régulières qui font refuser un prompt, écrites /pattern/flags et séparées par des espaces (50 au maximum, 200 caractères chacune)",
  "Remix":
    "Remix",
  "Remix asks for the new prompt in a form, which this place cannot show; turn Remix off with `/settings set remix off`.":
    "Remix demande le nouveau prompt dans un formulaire, qui ne peut pas s'afficher ici ; désactivez Remix avec `/settings set remix off`.",
  "Remix on":
    "Remix activé",
  "Remove the picture":
    "Retirer l'image",
  "repeat is a whole number from 1 to {0}":
    "repeat est un nombre entier de 1 à {0}",
  "requests one user may make per minute (0 = no limit)":
    "requêtes qu'un utilisateur peut faire par minute (0 = pas de limite)",
  "Reset all":
    "Tout réinitialiser",
  "Right half":
    "Moitié droite",
  "running{0}":
    "en cours{0}",
  "Sampler":
    "Sampler",
  "Sampler (add karras for Karras sigmas: dpmpp-2m-karras)":
    "Sampler (ajoutez karras pour les sigmas Karras : dpmpp-2m-karras)",
  "Save":
    "Enregistrer",
  "Saved.":
    "Enregistré.",
  "seconds of worker (GPU) time the jobs of this server may take per UTC day, shown in /info (0 = no budget)":
    "secondes de temps de calcul (GPU) que les tâches de ce serveur peuvent prendre par jour UTC, affichées dans /info (0 = pas de budget)",
  "seed {0}":
    "seed {0}",
  "Seed of the first image; the others use the next ones":
    "Seed de la première image ; les autres utilisent les suivantes",
  "seeds {0}":
    "seeds {0}",
  "Send":
    "Envoyer",
  "server default {0}":
    "valeur du serveur : {0}",
  "server unreachable, retrying…":
    "serveur injoignable, nouvelle tentative…",
  "Servers":
    "Serveurs",
  "Show or change this server's image limits":
    "Afficher ou modifier les limites d'images de ce serveur",
  "Show the limits in force here":
    "Afficher les limites en vigueur ici",
  "Show your settings, with buttons to change them":
    "Afficher vos réglages, avec des boutons pour les modifier",
  "Something went wrong while handling that; please try again.":
    "Un problème est survenu lors du traitement ; veuillez réessayer.",
  "Something went wrong while making this image; please try again.":
    "Un problème est survenu lors de la création de cette image ; veuillez réessayer.",
  "Start from a picture (or paste or drop one here)":
    "Partir d’une image (ou en coller ou déposer une ici)",
  "step {0}/{1}":
    "étape {0}/{1}",
  "Steps":
    "Étapes",
  "Steps must be a whole number from 1 to {0}.":
    "Le nombre d'étapes doit être un entier de 1 à {0}.",
  "Stop a user from using the bot in this server (server admins)":
    "Interdire à un utilisateur d'utiliser le bot sur ce serveur (admins du serveur)",
  "Strength must be more than 0 and at most 1.":
    "La force doit être supérieure à 0 et au plus égale à 1.",
  "Strength, 0–1 (how far from the picture)":
    "Force, 0–1 (écart par rapport à l'image)",
  "Suffix":
    "Suffixe",
  "suffix “{0}”":
    "suffixe « {0} »",
  "Suffix…":
    "Suffixe…",
  "That admin password is wrong; the command ran without admin rights.":
    "Ce mot de passe administrateur est faux ; la commande s’est exécutée sans droits d’administration.",
  "That drawing did not arrive whole; draw the region again.":
    "Le dessin n'est pas arrivé en entier ; redessinez la zone.",
  "That form is no longer open (it was left for a long time, or the bot restarted). Open it again; nothing was done.":
    "Ce formulaire n'est plus ouvert (il est resté ouvert trop longtemps, ou le bot a redémarré). Rouvrez-le ; rien n'a été fait.",
  "That is too long: at most {0} characters.":
    "C'est trop long : {0} caractères au maximum.",
  "That job has not finished yet.":
    "Cette tâche n'est pas encore terminée.",
  "That makes {0} jobs ({1} prompts × `--repeat`); at most {2} run at once.":
    "Cela fait {0} tâches ({1} prompts × `--repeat`) ; {2} au maximum peuvent être lancées à la fois.",
  "That message has no picture. Use this on a message with an image (PNG, JPEG, WebP or GIF) attached.":
    "Ce message ne contient pas d'image. Utilisez cette action sur un message avec une image jointe (PNG, JPEG, WebP ou GIF).",
  "That prompt makes {0} or more prompts; at most {1} run at once (counting `--repeat`).":
    "Ce prompt donne {0} prompts ou plus ; {1} au maximum peuvent être lancés à la fois (`--repeat` compris).",
  "The {0} is given twice (the {1} option and `--{2}`); use one.":
    "Le paramètre {0} est indiqué deux fois (l'option {1} et `--{2}`) ; n'en utilisez qu'un.",
  "the child-safety check":
    "le contrôle de protection des mineurs",
  "The drawing covers the whole picture; for that, use Vary (Strong).":
    "Le dessin couvre toute l'image ; dans ce cas, utilisez Vary (Strong).",
  "The image this starts from has expired or was removed.":
    "L'image de départ a expiré ou a été supprimée.",
  "the image weight is a number from 0 to 3":
    "le poids de l'image est un nombre de 0 à 3",
  "The job id (ℹ️ Recipe and /info show it)":
    "L'ID de la tâche (affiché par ℹ️ Recipe et /info)",
  "the model `{0}` allows":
    "le modèle `{0}` autorise",
  "The model `{0}` cannot start from a picture (it has no VAE encoder); pick another with `--model`.":
    "Le modèle `{0}` ne peut pas partir d'une image (il n'a pas d'encodeur VAE) ; choisissez-en un autre avec `--model`.",
  "The model `{0}` is not allowed on this server.":
    "Le modèle `{0}` n'est pas autorisé sur ce serveur.",
  "The model `{0}` is not allowed on this server. {1}":
    "Le modèle `{0}` n'est pas autorisé sur ce serveur. {1}",
  "The model `{0}` makes 1 to {1} images at a time (asked for {2}).":
    "Le modèle `{0}` crée de 1 à {1} images à la fois ({2} demandées).",
  "The model `{0}` only makes {1}×{2} images (asked for {3}).":
    "Le modèle `{0}` ne crée que des images en {1}×{2} ({3} demandé).",
  "The models you can use here: family, size and default steps":
    "Les modèles utilisables ici : famille, taille et étapes par défaut",
  "The playground server cannot be reached. Is it still running?":
    "Le serveur du playground est injoignable. Tourne-t-il encore ?",
  "The prompt has parameters but no description; e.g. `/imagine red heart --ar 16:9`.":
    "Le prompt contient des paramètres mais pas de description ; par ex. `/imagine red heart --ar 16:9`.",
  "The prompt is {0} characters; the limit is {1}.":
    "Le prompt fait {0} caractères ; la limite est de {1}.",
  "The prompt must be text.":
    "Le prompt doit être du texte.",
  "The queue is full ({0} jobs); please try again in a few minutes.":
    "La file d'attente est pleine ({0} tâches) ; veuillez réessayer dans quelques minutes.",
  "The queue is unavailable right now, so nothing was queued; please try again in a minute.":
    "La file d'attente est indisponible pour le moment, rien n'y a donc été ajouté ; veuillez réessayer dans une minute.",
  "the ratio must be between 1:4 and 4:1":
    "le ratio doit être compris entre 1:4 et 4:1",
  "The remixed prompt is empty.":
    "Le prompt remixé est vide.",
  "the samplers are {0} (euler and dpmpp-2m also with Karras sigmas, e.g. `DPM++ 2M Karras`)":
    "les samplers disponibles sont {0} (euler et dpmpp-2m aussi avec les sigmas Karras, par ex. `DPM++ 2M Karras`)",
  "the schedules are karras and normal":
    "les planifications possibles sont karras et normal",
  "The seed must be a whole number from 0 to {0}.":
    "La seed doit être un nombre entier de 0 à {0}.",
  "The seed must be at most {0} for {1} images.":
    "La seed doit valoir au plus {0} pour {1} images.",
  "The server answered {0}.":
    "Le serveur a répondu {0}.",
  "The starting image must be 8-bit RGB pixels of its stated size.":
    "L'image de départ doit être en pixels RVB 8 bits, à la taille indiquée.",
  "the strength is a number from 0 to 1":
    "la force est un nombre de 0 à 1",
  "The suffix is {0} characters; the limit is {1}.":
    "Le suffixe fait {0} caractères ; la limite est de {1}.",
  "The zoom factor is a number from {0} to {1} (got `{2}`).":
    "Le facteur de zoom est un nombre de {0} à {1} (reçu : `{2}`).",
  "There is no job {0} in this server (results are kept {1} days).":
    "Aucune tâche {0} sur ce serveur (les résultats sont conservés {1} jours).",
  "There is no job `{0}`; `/info` lists yours.":
    "Aucune tâche `{0}` ; `/info` liste les vôtres.",
  "This button belongs to an image made in another server.":
    "Ce bouton appartient à une image créée sur un autre serveur.",
  "This button is no longer valid.":
    "Ce bouton n'est plus valide.",
  "This image has expired (images are kept {0} days). Run the prompt again with its seed to get it back.":
    "Cette image a expiré (les images sont conservées {0} jours). Relancez le prompt avec sa seed pour la retrouver.",
  "This image has expired.":
    "Cette image a expiré.",
  "This image is no longer available (images are kept {0} days).":
    "Cette image n'est plus disponible (les images sont conservées {0} jours).",
  "This image is no longer available.":
    "Cette image n'est plus disponible.",
  "This image is no longer kept by the server.":
    "Le serveur ne conserve plus cette image.",
  "This job has no image #{0}.":
    "Cette tâche n'a pas d'image #{0}.",
  "This needs {0}, but only {1} of this server's daily {2} are left; resets at 00:00 UTC (in {3}).":
    "Il faut {0}, mais il ne reste que {1} des {2} images quotidiennes de ce serveur ; réinitialisation à 00:00 UTC (dans {3}).",
  "This needs {0}, but only {1} of your daily {2} are left; resets at 00:00 UTC (in {3}).":
    "Il faut {0}, mais il ne vous reste que {1} de vos {2} images quotidiennes ; réinitialisation à 00:00 UTC (dans {3}).",
  "This prompt cannot be used: sexual content involving minors is never made here.":
    "Ce prompt ne peut pas être utilisé : aucun contenu sexuel impliquant des mineurs n'est jamais créé ici.",
  "This result was not posted: this server's image safety check flagged it. The images were given back to your quota.":
    "Ce résultat n'a pas été publié : le contrôle de sécurité des images de ce serveur l'a signalé. Les images ont été recréditées sur votre quota.",
  "this server allows":
    "ce serveur autorise",
  "This server has used its daily {0} seconds of generation time; resets at 00:00 UTC (in {1}).":
    "Ce serveur a utilisé ses {0} secondes quotidiennes de temps de génération ; remise à zéro à 00:00 UTC (dans {1}).",
  "This server: {0}":
    "Ce serveur : {0}",
  "Too many wrong admin passwords from this address; wait a minute.":
    "Trop de mots de passe administrateur erronés depuis cette adresse ; attendez une minute.",
  "Top half":
    "Moitié supérieure",
  "Top-left quarter":
    "Quart supérieur gauche",
  "Top-right quarter":
    "Quart supérieur droit",
  "Try:":
    "Essayez :",
  "Type {0} and press Enter. Everyone in this server sees the result.":
    "Tapez {0} puis appuyez sur Entrée. Tout le monde sur ce serveur voit le résultat.",
  "Unknown `/{0} {1}`.":
    "Sous-commande inconnue : `/{0} {1}`.",
  "Unknown `/limits {0}`. {1}":
    "Sous-commande inconnue : `/limits {0}`. {1}",
  "Unknown command `{0}`. Commands: {1}.":
    "Commande inconnue : `{0}`. Commandes : {1}.",
  "Unknown command `/{0}`. Available: {1}.":
    "Commande inconnue : `/{0}`. Disponibles : {1}.",
  "Unknown command `/{0}`. Commands: {1}.":
    "Commande inconnue : `/{0}`. Commandes : {1}.",
  "unknown limit '{0}'; known: {1}":
    "limite inconnue « {0} » ; limites connues : {1}",
  "Unknown limit `{0}`. Limits: {1}.":
    "Limite inconnue : `{0}`. Limites : {1}.",
  "Unknown model '{0}'.":
    "Modèle inconnu : « {0} ».",
  "Unknown model `{0}`. Available: {1}.":
    "Modèle inconnu : `{0}`. Disponibles : {1}.",
  "Unknown model `{0}`. Known models: {1}.":
    "Modèle inconnu : `{0}`. Modèles connus : {1}.",
  "Unknown parameter `--{0}`. Known parameters: {1}.":
    "Paramètre inconnu : `--{0}`. Paramètres connus : {1}.",
  "Unknown sampler `{0}`; the samplers are {1}.":
    "Sampler inconnu : `{0}` ; les samplers disponibles sont {1}.",
  "Unknown setting `{0}`. Settings: {1}.":
    "Réglage inconnu : `{0}`. Réglages : {1}.",
  "unsafe score (0–1) from which the safety check flags a result":
    "score de risque (0–1) à partir duquel le contrôle de sécurité signale un résultat",
  "unsafe score {0}":
    "score de risque {0}",
  "Up to {0} requests a minute, {1} jobs waiting at once.":
    "Jusqu'à {0} requêtes par minute, {1} tâches en attente à la fois.",
  "Upscaling is turned off on this server.":
    "L'agrandissement (upscale) est désactivé sur ce serveur.",
  "Upscaling this image {0}× would make {1}×{2}":
    "Agrandir cette image {0}× donnerait {1}×{2}",
  "Upscaling this image {0}× would make {1}×{2}; this bot upscales to at most {3} pixels.":
    "Agrandir cette image {0}× donnerait {1}×{2} ; ce bot agrandit jusqu'à {3} pixels au maximum.",
  "Usage: {0}.":
    "Utilisation : {0}.",
  "Usage: `/cancel` (your newest job) or `/cancel <job id>` (ids are shown by `/info`).":
    "Utilisation : `/cancel` (votre tâche la plus récente) ou `/cancel <job id>` (`/info` affiche les ID).",
  "Usage: `/limits show`, `/limits set <name> <value>` (lists comma-separated, `-` for none), `/limits reset <name>`, `/limits history`, `/limits ban @user`, `/limits unban @user`.":
    "Utilisation : `/limits show`, `/limits set <name> <value>` (listes séparées par des virgules, `-` pour aucune valeur), `/limits reset <name>`, `/limits history`, `/limits ban @user`, `/limits unban @user`.",
  "Use `/imagine` with the picture attached, or its link at the start of the prompt.":
    "Utilisez `/imagine` avec l'image en pièce jointe, ou avec son lien au début du prompt.",
  "Use this region":
    "Utiliser cette zone",
  "User name":
    "Nom d'utilisateur",
  "V, Vary and Zoom Out ask for the prompt first (on or off)":
    "V, Vary et Zoom Out demandent d'abord le prompt (on ou off)",
  "Vary (Region) asks for the prompt in a form, which this place cannot show.":
    "Vary (Region) demande le prompt dans un formulaire, qui ne peut pas s'afficher ici.",
  "Welcome to #general on {0}":
    "Bienvenue dans #general sur {0}",
  "What to leave out (same as --no)":
    "Ce qu'il faut exclure (comme --no)",
  "What to make of the picture, e.g. a watercolor painting --ar 3:2":
    "Ce que vous voulez faire de l'image, par ex. a watercolor painting --ar 3:2",
  "whether /imagine takes a picture to start from, attached or linked (on or off)":
    "si /imagine accepte une image de départ, jointe ou en lien (on ou off)",
  "whether a running job shows its pictures as they form (on or off)":
    "si une tâche en cours affiche ses images au fil de leur création (on ou off)",
  "whether results can be edited: Zoom Out, Custom Zoom, Make Square and Pan (on or off)":
    "si les résultats peuvent être modifiés : Zoom Out, Custom Zoom, Make Square et Pan (on ou off)",
  "whether upscale buttons work":
    "si les boutons Upscale fonctionnent",
  "Which limit":
    "Quelle limite",
  "Which setting":
    "Quel réglage",
  "Who changed which limit when (server admins)":
    "Qui a modifié quelle limite, et quand (admins du serveur)",
  "Whom":
    "L'utilisateur concerné",
  "words that refuse a prompt, comma-separated":
    "mots qui font refuser un prompt, séparés par des virgules",
  "workspace admins and owners, and the users the deployer lists in SLACK_ADMIN_USERS":
    "les admins et propriétaires de l'espace de travail, ainsi que les utilisateurs listés dans SLACK_ADMIN_USERS par la personne qui a déployé le bot",
  "write each pattern as /pattern/flags, e.g. /\\bfoo+\\b/i (got '{0}').":
    "écrivez chaque motif sous la forme /pattern/flags, par ex. /\\bfoo+\\b/i (reçu : « {0} »).",
  "write each pattern as /pattern/flags, separated by spaces or commas, e.g. /\\bfoo+\\b/i /bar/ (could not read '{0}').":
    "écrivez chaque motif sous la forme /pattern/flags, en les séparant par des espaces ou des virgules, par ex. /\\bfoo+\\b/i /bar/ (illisible : « {0} »).",
  "You":
    "Vous",
  "You already have {0} waiting (the limit here is {1}); please wait until one starts.":
    "Vous avez déjà {0} en attente (la limite ici est de {1}) ; veuillez attendre que l'une d'elles démarre.",
  "You can make {0} a minute here; please try again in {1}.":
    "Vous pouvez faire {0} par minute ici ; veuillez réessayer dans {1}.",
  "You cannot ban yourself. Nothing was changed.":
    "Vous ne pouvez pas vous bannir vous-même. Rien n'a été modifié.",
  "You have no queued or running jobs.":
    "Vous n'avez aucune tâche en attente ou en cours.",
  "You reached your daily limit of {0} images on this server; resets at 00:00 UTC (in {1}).":
    "Vous avez atteint votre limite quotidienne de {0} images sur ce serveur ; réinitialisation à 00:00 UTC (dans {1}).",
  "You: {0}":
    "Vous : {0}",
  "your default aspect ratio, e.g. 16:9":
    "votre format d'image par défaut, par ex. 16:9",
  "your default guidance (cfg)":
    "votre guidage (cfg) par défaut",
  "your default model (see /models)":
    "votre modèle par défaut (voir /models)",
  "your default number of steps":
    "votre nombre d'étapes par défaut",
  "your default sampler, e.g. dpmpp-2m-karras":
    "votre sampler par défaut, par ex. dpmpp-2m-karras",
  "Your defaults: {0} (change them with `/settings`)":
    "Vos valeurs par défaut : {0} (modifiables avec `/settings`)",
  "Your own defaults here: model, size, steps, sampler, suffix, Remix, private mode":
    "Vos réglages par défaut ici : modèle, taille, étapes, sampler, suffixe, Remix, mode privé",
  "Your prompt contains a word this server does not allow (\"{0}\"); please rephrase it.":
    "Votre prompt contient un mot que ce serveur n'autorise pas (« {0} ») ; veuillez le reformuler.",
  "Your prompt could not be checked against this server's blocked patterns in time; please shorten it, or ask an admin to simplify the patterns.":
    "Votre prompt n'a pas pu être comparé à temps aux motifs bloqués de ce serveur ; veuillez le raccourcir, ou demandez à un admin de simplifier les motifs.",
  "Your prompt matches a pattern this server does not allow; please rephrase it.":
    "Votre prompt correspond à un motif que ce serveur n'autorise pas ; veuillez le reformuler.",
  "your results only you see (on or off)":
    "vos résultats ne sont visibles que par vous (on ou off)",
  "Your settings are back to the defaults.":
    "Vos réglages sont revenus aux valeurs par défaut.",
  "Your usage today, quota left, and your queued and running jobs":
    "Votre utilisation du jour, le quota restant et vos tâches en attente et en cours",
};

export default catalogue;
