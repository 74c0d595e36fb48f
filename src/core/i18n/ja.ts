/** Japanese messages: English template → translation, with the same {0} places and md syntax (see src/core/i18n.ts). */
import type { Catalogue } from '../i18n.js';

const catalogue: Catalogue = {
  "\n…and {0} more jobs, each in its own message.":
    "\n…ほか{0}件のジョブは、それぞれ別のメッセージで表示します。",
  "\n…and 1 more job, in its own message.":
    "\n…ほか1件のジョブは、別のメッセージで表示します。",
  "\n{0} of {1} jobs queued; the rest were not: {2}":
    "\n{1}件中{0}件のジョブをキューに追加しました。残りは追加されませんでした: {2}",
  "\nChange one with `/limits set <name> <value>`; undo with `/limits reset <name>`.":
    "\n変更するには `/limits set <name> <value>`、元に戻すには `/limits reset <name>` を使います。",
  "\nPrompt: {0}":
    "\nプロンプト: {0}",
  " — #{0} in queue{1}":
    " — キュー内 #{0}{1}",
  " · {0} left":
    " · 残り {0}",
  " · from {0}":
    " · {0} から",
  " · job {0}":
    " · ジョブ {0}",
  " · starts in {0}":
    " · 開始まで {0}",
  " (default)":
    " （デフォルト）",
  " Try Upscale (2×).":
    " Upscale (2×) をお試しください。",
  ", {0} left":
    "、残り {0}",
  ", starts in {0}":
    "、開始まで {0}",
  "(no prompt)":
    "（プロンプトなし）",
  "{0} - Image #{1} (upscaled {2}×) {3}":
    "{0} - 画像 #{1}（{2}× アップスケール） {3}",
  "{0} - Make Square by {1}":
    "{0} - {1} による Make Square",
  "{0} - Pan Down by {1}":
    "{0} - {1} による Pan Down",
  "{0} - Pan Left by {1}":
    "{0} - {1} による Pan Left",
  "{0} - Pan Right by {1}":
    "{0} - {1} による Pan Right",
  "{0} - Pan Up by {1}":
    "{0} - {1} による Pan Up",
  "{0} - Upscaled ({1}×) by {2}":
    "{0} - {2} によるアップスケール（{1}×）",
  "{0} - Variations (Strong) by {1}":
    "{0} - {1} による Variations (Strong)",
  "{0} - Variations (Subtle) by {1}":
    "{0} - {1} による Variations (Subtle)",
  "{0} - Vary (Region: {1}) by {2}":
    "{0} - {2} による Vary (Region: {1})",
  "{0} - Zoom Out {1}× by {2}":
    "{0} - {2} による Zoom Out {1}×",
  "{0} - Zoom Out by {1}":
    "{0} - {1} による Zoom Out",
  "{0} — {1} by {2}":
    "{0} — {2}: {1}",
  "{0} — the next /imagine starts from it":
    "{0} — 次の /imagine はこの画像から始まります",
  "{0} · {1}×{2} · {3} · guidance {4} · {5}":
    "{0} · {1}×{2} · {3} · ガイダンス {4} · {5}",
  "{0} (cancelled)":
    "{0}（キャンセル済み）",
  "{0} (Starting…{1})":
    "{0}（開始中…{1}）",
  "{0} (Upscaling…{1})":
    "{0}（アップスケール中…{1}）",
  "{0} (Waiting to start{1})":
    "{0}（開始待ち{1}）",
  "{0} can no longer use the bot in this server; `/limits unban` undoes it.":
    "{0} はこのサーバーでボットを利用できなくなりました。`/limits unban` で元に戻せます。",
  "{0} can use the bot in this server again.":
    "{0} はこのサーバーで再びボットを利用できるようになりました。",
  "{0} from {1}: {2}":
    "{0}（{1}）: {2}",
  "{0} images":
    "画像{0}枚",
  "{0} is {1} characters; the limit is {2}.":
    "「{0}」は{1}文字です。上限は{2}文字です。",
  "{0} is at most 500 characters.":
    "{0} は500文字までです。",
  "{0} is back to the default.":
    "{0}をデフォルトに戻しました。",
  "{0} is from {1} to {2} (got `{3}`).":
    "「{0}」は{1}〜{2}の範囲で指定してください（入力値: `{3}`）。",
  "{0} is larger than `{1}` can make (at most {2} pixels, e.g. {3}).":
    "{0} は `{1}` で生成できるサイズを超えています（最大{2}ピクセル、例: {3}）。",
  "{0} is larger than this server allows (at most {1} pixels, e.g. {2}).":
    "{0} はこのサーバーで許可されているサイズを超えています（最大{1}ピクセル、例: {2}）。",
  "{0} is needed.":
    "「{0}」は必須です。",
  "{0} is not a size `{1}` can make: width and height are multiples of {2} pixels.":
    "{0} は `{1}` で生成できるサイズではありません。幅と高さは{2}ピクセルの倍数にしてください。",
  "{0} is not a valid regular expression: {1}.":
    "{0} は有効な正規表現ではありません: {1}。",
  "{0} is now {1}.":
    "{0}を {1} に変更しました。",
  "{0} is outside what `{1}` can make (each side from {2} to {3} pixels).":
    "{0} は `{1}` で生成できる範囲外です（各辺{2}〜{3}ピクセル）。",
  "{0} jobs":
    "{0}件のジョブ",
  "{0} left":
    "残り {0}",
  "{0} must be a channel: pick it with # (got '{1}').":
    "{0} にはチャンネルを指定してください。# で選べます（入力値: '{1}'）。",
  "{0} must be a number from {1} to {2} (got '{3}').":
    "{0} は{1}〜{2}の数値で指定してください（入力値: '{3}'）。",
  "{0} must be a whole number from {1} to {2} (got '{3}').":
    "{0} は{1}〜{2}の整数で指定してください（入力値: '{3}'）。",
  "{0} must be from {1} to {2} (got {3}).":
    "{0} は{1}〜{2}の範囲で指定してください（入力値: {3}）。",
  "{0} must be one of {1} (got '{2}').":
    "{0} は {1} のいずれかで指定してください（入力値: '{2}'）。",
  "{0} must be true or false (got '{1}').":
    "{0} は true か false で指定してください（入力値: '{1}'）。",
  "{0} Nothing was changed.":
    "{0}何も変更されませんでした。",
  "{0} requests":
    "リクエスト{0}回",
  "{0} steps":
    "{0}ステップ",
  "{0} steps is more than {1} (at most {2}); try `--steps {3}`.":
    "{0}ステップは{1}上限（{2}）を超えています。`--steps {3}` をお試しください。",
  "{0} The message could not be taken down; remove it yourself.":
    "{0}メッセージを削除できませんでした。ご自身で削除してください。",
  "{0} was already banned here.":
    "{0} はすでにこのサーバーで利用禁止になっています。",
  "{0} was not banned here.":
    "{0} はこのサーバーで利用禁止になっていません。",
  "{0}; this bot upscales to at most {1} pixels.":
    "{0}。このボットがアップスケールできるのは最大{1}ピクセルです。",
  "{0}; this server allows at most {1} pixels (`max_upscale_pixels`).{2}":
    "{0}。このサーバーで許可されているのは最大{1}ピクセルです（`max_upscale_pixels`）。{2}",
  "{0}: {1} has a bad value {2} ({3})":
    "{0}: {1} の値 {2} が不正です（{3}）",
  "{0}: missing {1} ({2})":
    "{0}: {1} がありません（{2}）",
  "{0}: unknown limit '{1}'; known: {2}":
    "{0}: 不明な制限 '{1}'。既知の制限: {2}",
  "{0}×{1}, {2} steps by default":
    "{0}×{1}、既定 {2} ステップ",
  "**{0}** · {1} of {2} left":
    "**{0}** · 残り {1} / {2}",
  "**{0}** (no daily budget)":
    "**{0}**（1 日の上限なし）",
  "**{0}** images · {1} of {2} left":
    "**{0}**枚 · 残り {1}/{2}枚",
  "**{0}** images (no daily limit)":
    "**{0}**枚（1日の上限なし）",
  "**1** image · {0} of {1} left":
    "**1**枚 · 残り {0}/{1}枚",
  "**1** image (no daily limit)":
    "**1**枚（1日の上限なし）",
  "**Limit changes in this server** (newest first, last {0})\n":
    "**このサーバーの制限の変更履歴**（新しい順、直近{0}件）\n",
  "**Limits for this server**\n":
    "**このサーバーの制限**\n",
  "**Models on this server**":
    "**このサーバーのモデル**",
  "**Recipe** of {0}":
    "{0} の**レシピ**",
  "**Today (UTC)**, resets at 00:00 UTC (in {0})":
    "**今日（UTC）**: 00:00 UTC にリセット（あと {0}）",
  "**Vary (Region)**: which part of image #{0} should change? The rest stays as it is.":
    "**Vary (Region)**: 画像 #{0} のどの部分を変更しますか？それ以外の部分はそのまま残ります。",
  "**Your jobs**":
    "**あなたのジョブ**",
  "**Your settings here** (a parameter in the prompt beats them)":
    "**このサーバーでのあなたの設定**（プロンプト内のパラメーターが優先されます）",
  "`--{0}` is given twice.":
    "`--{0}` が2回指定されています。",
  "`--{0}` needs a value, e.g. `{1}`.":
    "`--{0}` には値が必要です（例: `{1}`）。",
  "`--iw` and `--strength` are for a picture to start from: attach one, or put its link at the start of the prompt.":
    "`--iw` と `--strength` は元画像があるときに使います。画像を添付するか、プロンプトの先頭に画像のリンクを置いてください。",
  "`{0}` **{1}** (set here) — {2}":
    "`{0}` **{1}**（このサーバーで設定）— {2}",
  "`{0}` has already finished.":
    "`{0}` はすでに完了しています。",
  "`{0}` has no VAE encoder, so it cannot start from an image.":
    "`{0}` には VAE エンコーダーがないため、画像から生成できません。",
  "`{0}` is a number (got `{1}`).":
    "`{0}` は数値で指定してください（入力値: `{1}`）。",
  "`{0}` is a user: mention them, e.g. `@alice` (got `{1}`).":
    "`{0}` にはユーザーを指定します。`@alice` のようにメンションしてください（入力値: `{1}`）。",
  "`{0}` is a whole number (got `{1}`).":
    "`{0}` は整数で指定してください（入力値: `{1}`）。",
  "`{0}` is back to the default: **{1}** (was {2}).":
    "`{0}` をデフォルトの **{1}** に戻しました（変更前: {2}）。",
  "`{0}` is now **{1}** (was {2}).":
    "`{0}` を **{1}** に変更しました（変更前: {2}）。",
  "`{0}` is on or off (got `{1}`).":
    "`{0}` は on か off で指定してください（入力値: `{1}`）。",
  "`{0}` is true or false (got `{1}`).":
    "`{0}` は true か false で指定してください（入力値: `{1}`）。",
  "`{0}` only makes {1}×{2} images, so `--ar {3}` is not available with it.":
    "`{0}` は {1}×{2} の画像しか生成できないため、`--ar {3}` は使えません。",
  "`{0}` reset to {1} (was {2})":
    "`{0}` を {1} にリセット（変更前: {2}）",
  "▭ Rectangle":
    "▭ 長方形",
  "✔ Admin (local)":
    "✔ 管理者（ローカル）",
  "✔ Admin (password accepted)":
    "✔ 管理者（パスワード承認済み）",
  "❌ The result of this job is missing.":
    "❌ このジョブの結果が見つかりません。",
  "👁 Only you can see this ·":
    "👁 これはあなたにだけ表示されています ·",
  "📝 Open the form":
    "📝 フォームを開く",
  "🖌️ Brush":
    "🖌️ ブラシ",
  "🛡️ Blocked image":
    "🛡️ ブロックされた画像",
  "🛡️ Refused prompt":
    "🛡️ 拒否されたプロンプト",
  "🛡️ Spoilered image":
    "🛡️ スポイラーにされた画像",
  "0.75 (0 keeps the picture, 1 ignores it)":
    "0.75（0 は元画像のまま、1 は元画像を無視）",
  "1 image":
    "画像1枚",
  "1 job":
    "1件のジョブ",
  "1 request":
    "リクエスト1回",
  "1 step":
    "1ステップ",
  "a banned user":
    "利用禁止中のユーザー",
  "a blocked pattern":
    "禁止パターン",
  "a blocked word":
    "禁止ワード",
  "A mask needs a picture to start from.":
    "マスクを使うには元画像が必要です。",
  "a model name has no spaces":
    "モデル名にスペースは使えません",
  "a pattern is at most {0} characters (got {1}).":
    "パターンは{0}文字までです（入力値: {1}文字）。",
  "a pattern takes too long on long text (over {0} ms); simplify it (nested repeats like (a+)+ are the usual cause).":
    "長いテキストでパターンの処理に時間がかかりすぎます（{0} ms 超）。パターンを単純にしてください（主な原因は (a+)+ のような入れ子の繰り返しです）。",
  "A picture to start from (PNG, JPEG, WebP or GIF); a link at the start of the prompt works too":
    "生成の元にする画像（PNG、JPEG、WebP、GIF）。プロンプトの先頭にリンクを置いても使えます",
  "a result the safety check flags: block (not posted), spoiler, or allow (age-restricted channels; a spoiler elsewhere)":
    "安全チェックで検出された結果の扱い: block（投稿しない）、spoiler（スポイラー）、allow（年齢制限チャンネルでは表示、それ以外ではスポイラー）",
  "A server admin has stopped you from using this bot in this server. Nothing was done.":
    "サーバー管理者により、このサーバーでのこのボットの利用が禁止されています。何も実行されませんでした。",
  "Added to every prompt":
    "すべてのプロンプトに追加",
  "Admin actions need the password.":
    "管理者の操作にはパスワードが必要です。",
  "Admin password":
    "管理者パスワード",
  "Allowed: {0}.":
    "許可されているモデル: {0}。",
  "an aspect ratio is width:height, e.g. 16:9, 2:3 or 1:1":
    "アスペクト比は 幅:高さ の形式です（例: 16:9、2:3、1:1）",
  "Any number of requests a minute, {0} jobs waiting at once.":
    "1分あたりのリクエスト数は無制限、同時に待機できるジョブは{0}件までです。",
  "anyone on this machine, or whoever gives WEB_PASSWORD when the playground is exposed":
    "このマシン上の全員、またはプレイグラウンドが公開されている場合は WEB_PASSWORD を入力した人",
  "Ask an admin which models are allowed.":
    "どのモデルが許可されているかは管理者に確認してください。",
  "Aspect ratio":
    "アスペクト比",
  "at most {0} patterns (got {1}).":
    "パターンは最大{0}個までです（指定数: {1}）。",
  "Attach a picture":
    "画像を添付",
  "both sides must be at least 1":
    "幅と高さはどちらも1以上にしてください",
  "Bottom half":
    "下半分",
  "Bottom-left quarter":
    "左下 1/4",
  "Bottom-right quarter":
    "右下 1/4",
  "Brush size":
    "ブラシのサイズ",
  "Cancel":
    "キャンセル",
  "Cancel one with `/cancel <job>`.":
    "キャンセルするには `/cancel <job>` を使います。",
  "Cancel your newest queued or running job, or the one named":
    "待機中または実行中の最新のジョブ、または指定したジョブをキャンセルします",
  "Cancelled `{0}`.":
    "`{0}` をキャンセルしました。",
  "Centre":
    "中央",
  "Change a limit (server admins)":
    "制限を変更します（サーバー管理者）",
  "Change it with {0}, e.g. {1}.":
    "{0} で変更できます。例: {1}",
  "Change one setting":
    "設定を1つ変更します",
  "channel that gets every refused prompt and every blocked or spoilered image (- for none)":
    "拒否されたプロンプトと、ブロックまたはスポイラーにされた画像をすべて記録するチャンネル（なしは -）",
  "Clear":
    "クリア",
  "Commands start with a slash, e.g. `/imagine red heart --seed 7`. Available: {0}.":
    "コマンドはスラッシュで始まります（例: `/imagine red heart --seed 7`）。利用可能: {0}。",
  "connecting…":
    "接続中…",
  "Create four images from a text prompt":
    "テキストプロンプトから画像を4枚生成します",
  "Custom Zoom asks for the factor in a form, which this place cannot show; use Zoom Out 2× or 1.5×.":
    "Custom Zoom はフォームで倍率を入力しますが、ここではフォームを表示できません。Zoom Out 2× か 1.5× を使ってください。",
  "Daily limit of {0} images for this server reached; resets at 00:00 UTC (in {1}).":
    "このサーバーの1日の上限（{0}枚）に達しました。00:00 UTC にリセットされます（あと {1}）。",
  "default ({0})":
    "デフォルト（{0}）",
  "Default ({0})":
    "デフォルト（{0}）",
  "Defaults…":
    "デフォルト設定…",
  "Deleted the result of {0}.":
    "{0} の結果を削除しました。",
  "Denoising steps":
    "デノイズのステップ数",
  "Describe the image you want, e.g. `/imagine red heart --seed 7`.":
    "作りたい画像を説明してください。例: `/imagine red heart --seed 7`",
  "disconnected, retrying…":
    "切断されました。再試行中…",
  "Dismiss message":
    "メッセージを閉じる",
  "Drag a rectangle, or paint with the brush, over the part to change. The rest stays as it is.":
    "変えたい部分を長方形で囲むか、ブラシで塗ってください。それ以外はそのまま残ります。",
  "Draw over the part of the picture to change first.":
    "まず、画像の変更したい部分の上に描いてください。",
  "Draw the region":
    "範囲を描く",
  "Drawn area":
    "描いた範囲",
  "e.g. watercolor, soft light --ar 3:2 --no text":
    "例: watercolor, soft light --ar 3:2 --no text",
  "Each PNG carries this as A1111's {0} (PNG Info and ComfyUI read it). {1} posts the result again.":
    "各 PNG には、この内容が A1111 形式の {0} として埋め込まれています（PNG Info や ComfyUI で読み込めます）。{1} で結果をもう一度投稿できます。",
  "Each tab is a user: open another tab with another name to watch the queue share its turns.":
    "タブごとに別のユーザーです。別の名前で別のタブを開くと、キューが順番を分け合う様子を確認できます。",
  "Editing results (zoom, pan, make square, vary region) is turned off on this server.":
    "このサーバーでは結果の編集（ズーム、パン、正方形化、範囲指定の Vary）が無効になっています。",
  "empty for the default; {0}":
    "空欄でデフォルト。{0}",
  "Generation time today: {0}":
    "本日の生成時間: {0}",
  "Give a value for `{0}`. {1}":
    "`{0}` の値を指定してください。{1}",
  "Guidance (cfg)":
    "ガイダンス（CFG）",
  "guidance (cfg) is a number from 0 to {0}":
    "ガイダンス（CFG）は0〜{0}の数値です",
  "Guidance (cfg) must be a number from 0 to {0}.":
    "ガイダンス（CFG）は0〜{0}の数値で指定してください。",
  "How closely to follow the prompt (cfg)":
    "プロンプトにどれだけ忠実に従うか（CFG）",
  "How far from the picture to move, 0–1 (img2img strength)":
    "元画像からどれだけ変えるか、0–1（img2img の強度）",
  "How much the picture counts, 0–3 (Midjourney’s image weight)":
    "画像をどれだけ重視するか、0–3（Midjourney の画像ウェイト）",
  "I cannot tell who `{0}` is: mention them so their name turns into a link. Nothing was changed.":
    "`{0}` が誰なのか判別できません。名前がリンクになるようにメンションしてください。何も変更されませんでした。",
  "I only work in servers here; run the command in a server channel.":
    "ここではサーバー内でのみ動作します。サーバーのチャンネルでコマンドを実行してください。",
  "image #{0}":
    "画像 #{0}",
  "Image prompts are turned off on this server; send the prompt without a picture.":
    "このサーバーでは画像プロンプトが無効になっています。画像なしでプロンプトを送ってください。",
  "Image prompts are turned off on this server.":
    "このサーバーでは画像プロンプトが無効になっています。",
  "images one user may make per UTC day (0 = no limit)":
    "1ユーザーが1日（UTC）に生成できる画像数（0 = 無制限）",
  "images this server may make per UTC day (0 = no limit)":
    "このサーバーが1日（UTC）に生成できる画像数（0 = 無制限）",
  "Imagine":
    "生成",
  "Imagine from this image":
    "この画像から生成",
  "Invalid {0} `{1}`: {2}.":
    "{0} の値 `{1}` は無効です: {2}。",
  "Invalid {0} `{1}`: {2}. Example: `{3}`.":
    "{0} の値 `{1}` は無効です: {2}。例: `{3}`",
  "Invalid `--{0} {1}`: {2}. Example: `{3}`.":
    "`--{0} {1}` は無効です: {2}。例: `{3}`",
  "Job {0} has not finished ({1}); only finished results can be shown again.":
    "ジョブ {0} はまだ完了していません（{1}）。完了した結果のみ再表示できます。",
  "Job id (default: your newest)":
    "ジョブID（省略時: 最新のジョブ）",
  "jobs of this server running at once":
    "このサーバーで同時に実行できるジョブ数",
  "jobs one user may have waiting":
    "1ユーザーが同時に待機させられるジョブ数",
  "Karras sigmas work with {0} (as in diffusers), not {1}; pick one of those with `--sampler`.":
    "Karras シグマは {0} でのみ使えます（diffusers と同様）。{1} では使えません。`--sampler` でいずれかを選んでください。",
  "Karras sigmas work with {0}, not {1}.":
    "Karras シグマは {0} でのみ使えます。{1} では使えません。",
  "language of the bot's public messages: auto (the Discord server's language, else English), en, de, fr, es or ja":
    "ボットの公開メッセージの言語: auto（Discord サーバーの言語、なければ英語）、en、de、fr、es、ja",
  "largest number of denoising steps":
    "デノイズのステップ数の上限",
  "largest width×height in pixels":
    "幅×高さのピクセル数の上限",
  "largest width×height in pixels an upscale may make":
    "アップスケール後の幅×高さのピクセル数の上限",
  "Left half":
    "左半分",
  "Let a banned user use the bot again (server admins)":
    "利用禁止にしたユーザーの利用を再び許可します（サーバー管理者）",
  "live":
    "接続済み",
  "Make four new images starting from the picture in this message":
    "このメッセージの画像をもとに、新しい画像を4枚生成します",
  "marked sensitive by the image safety check":
    "画像安全チェックによりセンシティブと判定されました",
  "Marked sensitive: click to show":
    "センシティブとしてマーク済み：クリックで表示",
  "members with the Manage Server permission":
    "「サーバー管理」権限を持つメンバー",
  "Message":
    "メッセージ",
  "Model":
    "モデル",
  "model {0}":
    "モデル {0}",
  "model default {0}":
    "モデルのデフォルト {0}",
  "Model name (see /models)":
    "モデル名（/models を参照）",
  "models users may pick, comma-separated (empty = all)":
    "ユーザーが選べるモデル。カンマ区切り（空 = すべて）",
  "Name a limit. {0}":
    "制限の名前を指定してください。{0}",
  "Name the job, e.g. {0}; ℹ️ Recipe under a result shows its id.":
    "ジョブを指定してください（例: {0}）。結果の下の ℹ️ Recipe でIDを確認できます。",
  "negative prompt added to every request":
    "すべてのリクエストに追加されるネガティブプロンプト",
  "Negative prompt: {0}":
    "ネガティブプロンプト: {0}",
  "New value; - for the default":
    "新しい値（- でデフォルト）",
  "New value; lists comma-separated, - for none":
    "新しい値（リストはカンマ区切り、なしは -）",
  "No limit of this server has been changed.":
    "このサーバーの制限はまだ変更されていません。",
  "No model is allowed on this server. Server admins choose them with `/limits set allowed_models <names>`.":
    "このサーバーで許可されているモデルはありません。サーバー管理者が `/limits set allowed_models <names>` で選べます。",
  "no: {0}":
    "除外: {0}",
  "Noise schedule: karras or normal (ComfyUI’s scheduler)":
    "ノイズスケジュール: karras または normal（ComfyUI のスケジューラー）",
  "None queued or running.":
    "待機中・実行中のジョブはありません。",
  "Only server admins can ban users (here: {0}). Nothing was changed.":
    "ユーザーの利用を禁止できるのはサーバー管理者（ここでは{0}）だけです。何も変更されませんでした。",
  "Only server admins can change limits (here: {0}). Nothing was changed.":
    "制限を変更できるのはサーバー管理者（ここでは{0}）だけです。何も変更されませんでした。",
  "Only server admins can see who changed the limits (here: {0}).":
    "制限の変更履歴を見られるのはサーバー管理者（ここでは{0}）だけです。",
  "Only the person who asked for `{0}` or a server admin can cancel it.":
    "`{0}` をキャンセルできるのは、依頼した本人かサーバー管理者だけです。",
  "Only the person who asked for this image, or {0}, can delete it.":
    "この画像を削除できるのは、依頼した本人または{0}だけです。",
  "pasted picture":
    "貼り付けた画像",
  "pattern flags may be i, m, s and u (got '{0}').":
    "パターンのフラグに使えるのは i、m、s、u です（入力値: '{0}'）。",
  "Pick a region":
    "範囲を選択",
  "Pick a user name first: 1–32 letters, digits, spaces or _ . ' - (in the side bar).":
    "先にユーザー名を決めてください：1〜32 文字の英数字・スペース・_ . ' -（サイドバーで）。",
  "Pick one of the regions in the menu.":
    "メニューから範囲を1つ選んでください。",
  "Pick one with {0} after your prompt, e.g. {1}.":
    "プロンプトの後に {0} を付けて選べます。例: {1}",
  "Post a result of this server again, with its buttons":
    "このサーバーの生成結果を、ボタン付きでもう一度投稿します",
  "private mode":
    "プライベートモード",
  "Private mode":
    "プライベートモード",
  "Prompt":
    "プロンプト",
  "Prompt: {0}":
    "プロンプト: {0}",
  "Put a limit back to the default (server admins)":
    "制限をデフォルトに戻します（サーバー管理者）",
  "Put one setting, or all of them, back to the default":
    "設定を1つ、またはすべてデフォルトに戻します",
  "queued, place {0}{1}":
    "待機中（{0}番目）{1}",
  "reconnecting…":
    "再接続中…",
  "regular expressions that refuse a prompt, written /pattern/flags and separated by spaces (at most 50, 200 characters each)":
    "プロンプトを拒否する正規表現。/pattern/flags の形式でスペース区切り（最大50個、各200文字まで）",
  "Remix":
    "Remix",
  "Remix asks for the new prompt in a form, which this place cannot show; turn Remix off with `/settings set remix off`.":
    "Remix はフォームで新しいプロンプトを入力しますが、ここではフォームを表示できません。`/settings set remix off` で Remix をオフにしてください。",
  "Remix on":
    "Remix オン",
  "Remove the picture":
    "画像を削除",
  "repeat is a whole number from 1 to {0}":
    "repeat は1〜{0}の整数です",
  "requests one user may make per minute (0 = no limit)":
    "1ユーザーが1分間に送れるリクエスト数（0 = 無制限）",
  "Reset all":
    "すべてリセット",
  "Right half":
    "右半分",
  "running{0}":
    "実行中{0}",
  "Sampler":
    "サンプラー",
  "Sampler (add karras for Karras sigmas: dpmpp-2m-karras)":
    "サンプラー（Karras シグマを使うには karras を付けます: dpmpp-2m-karras）",
  "Save":
    "保存",
  "Saved.":
    "保存しました。",
  "seconds of worker (GPU) time the jobs of this server may take per UTC day, shown in /info (0 = no budget)":
    "このサーバーのジョブが UTC の 1 日に使えるワーカー（GPU）時間の秒数。/info に表示（0 = 上限なし）",
  "seed {0}":
    "シード {0}",
  "Seed of the first image; the others use the next ones":
    "1枚目の画像のシード（残りの画像は続く番号を使用）",
  "seeds {0}":
    "シード {0}",
  "Send":
    "送信",
  "server default {0}":
    "サーバーのデフォルト {0}",
  "server unreachable, retrying…":
    "サーバーに接続できません。再試行中…",
  "Servers":
    "サーバー",
  "Show or change this server's image limits":
    "このサーバーの画像生成の制限を表示・変更します",
  "Show the limits in force here":
    "このサーバーで適用中の制限を表示します",
  "Show your settings, with buttons to change them":
    "設定を、変更用のボタン付きで表示します",
  "Something went wrong while handling that; please try again.":
    "処理中に問題が発生しました。もう一度お試しください。",
  "Something went wrong while making this image; please try again.":
    "この画像の生成中に問題が発生しました。もう一度お試しください。",
  "Start from a picture (or paste or drop one here)":
    "画像から始める（ここに貼り付けまたはドロップも可）",
  "step {0}/{1}":
    "ステップ {0}/{1}",
  "Steps":
    "ステップ数",
  "Steps must be a whole number from 1 to {0}.":
    "ステップ数は1〜{0}の整数で指定してください。",
  "Stop a user from using the bot in this server (server admins)":
    "このサーバーでのユーザーのボット利用を禁止します（サーバー管理者）",
  "Strength must be more than 0 and at most 1.":
    "強度は0より大きく、1以下にしてください。",
  "Strength, 0–1 (how far from the picture)":
    "強度 0–1（元画像からどれだけ離れるか）",
  "Suffix":
    "サフィックス",
  "suffix “{0}”":
    "サフィックス「{0}」",
  "Suffix…":
    "サフィックス…",
  "That admin password is wrong; the command ran without admin rights.":
    "管理者パスワードが違います。コマンドは管理者権限なしで実行されました。",
  "That drawing did not arrive whole; draw the region again.":
    "描いた範囲が正しく届きませんでした。もう一度範囲を描いてください。",
  "That form is no longer open (it was left for a long time, or the bot restarted). Open it again; nothing was done.":
    "このフォームはもう受け付けていません（長時間放置されたか、ボットが再起動しました）。もう一度開いてください。何も実行されていません。",
  "That is too long: at most {0} characters.":
    "長すぎます。最大{0}文字までです。",
  "That job has not finished yet.":
    "そのジョブはまだ完了していません。",
  "That makes {0} jobs ({1} prompts × `--repeat`); at most {2} run at once.":
    "これでは{0}件のジョブになります（プロンプト{1}個 × `--repeat`）。一度に実行できるのは最大{2}件です。",
  "That message has no picture. Use this on a message with an image (PNG, JPEG, WebP or GIF) attached.":
    "そのメッセージには画像がありません。画像（PNG、JPEG、WebP、GIF）が添付されたメッセージで使ってください。",
  "That prompt makes {0} or more prompts; at most {1} run at once (counting `--repeat`).":
    "このプロンプトからは{0}個以上のプロンプトができます。一度に実行できるのは最大{1}個です（`--repeat` を含む）。",
  "The {0} is given twice (the {1} option and `--{2}`); use one.":
    "{0} が2回指定されています（{1} オプションと `--{2}`）。どちらか一方にしてください。",
  "the child-safety check":
    "児童保護チェック",
  "The drawing covers the whole picture; for that, use Vary (Strong).":
    "描いた範囲が画像全体を覆っています。その場合は Vary (Strong) を使ってください。",
  "The image this starts from has expired or was removed.":
    "元画像の保存期間が過ぎたか、削除されています。",
  "the image weight is a number from 0 to 3":
    "画像ウェイトは0〜3の数値です",
  "The job id (ℹ️ Recipe and /info show it)":
    "ジョブID（ℹ️ Recipe や /info で確認できます）",
  "the model `{0}` allows":
    "モデル `{0}` で許可される",
  "The model `{0}` cannot start from a picture (it has no VAE encoder); pick another with `--model`.":
    "モデル `{0}` は画像から生成できません（VAE エンコーダーがありません）。`--model` で別のモデルを選んでください。",
  "The model `{0}` is not allowed on this server.":
    "モデル `{0}` はこのサーバーでは許可されていません。",
  "The model `{0}` is not allowed on this server. {1}":
    "モデル `{0}` はこのサーバーでは許可されていません。{1}",
  "The model `{0}` makes 1 to {1} images at a time (asked for {2}).":
    "モデル `{0}` が一度に生成できる画像は1〜{1}枚です（指定: {2}枚）。",
  "The model `{0}` only makes {1}×{2} images (asked for {3}).":
    "モデル `{0}` は {1}×{2} の画像しか生成できません（指定: {3}）。",
  "The models you can use here: family, size and default steps":
    "ここで使えるモデル（ファミリー、サイズ、デフォルトのステップ数）を表示します",
  "The playground server cannot be reached. Is it still running?":
    "playground のサーバーに接続できません。まだ動いていますか？",
  "The prompt has parameters but no description; e.g. `/imagine red heart --ar 16:9`.":
    "プロンプトにパラメーターしかなく、説明がありません。例: `/imagine red heart --ar 16:9`",
  "The prompt is {0} characters; the limit is {1}.":
    "プロンプトが{0}文字あります。上限は{1}文字です。",
  "The prompt must be text.":
    "プロンプトはテキストで指定してください。",
  "The queue is full ({0} jobs); please try again in a few minutes.":
    "キューがいっぱいです（{0}件のジョブ）。数分後にもう一度お試しください。",
  "The queue is unavailable right now, so nothing was queued; please try again in a minute.":
    "現在キューを利用できないため、何も追加されませんでした。少し待ってからもう一度お試しください。",
  "the ratio must be between 1:4 and 4:1":
    "比率は1:4から4:1の範囲にしてください",
  "The remixed prompt is empty.":
    "Remix したプロンプトが空です。",
  "the samplers are {0} (euler and dpmpp-2m also with Karras sigmas, e.g. `DPM++ 2M Karras`)":
    "サンプラーは {0} です（euler と dpmpp-2m は Karras シグマも使えます。例: `DPM++ 2M Karras`）",
  "the schedules are karras and normal":
    "スケジュールは karras か normal です",
  "The seed must be a whole number from 0 to {0}.":
    "シードは0〜{0}の整数で指定してください。",
  "The seed must be at most {0} for {1} images.":
    "画像{1}枚の場合、シードは{0}以下にしてください。",
  "The server answered {0}.":
    "サーバーの応答: {0}",
  "The starting image must be 8-bit RGB pixels of its stated size.":
    "元画像は、指定されたサイズの 8 ビット RGB ピクセルである必要があります。",
  "the strength is a number from 0 to 1":
    "強度は0〜1の数値です",
  "The suffix is {0} characters; the limit is {1}.":
    "サフィックスが{0}文字あります。上限は{1}文字です。",
  "The zoom factor is a number from {0} to {1} (got `{2}`).":
    "ズーム倍率は{0}〜{1}の数値で指定してください（入力値: `{2}`）。",
  "There is no job {0} in this server (results are kept {1} days).":
    "このサーバーにジョブ {0} はありません（結果の保存期間は{1}日です）。",
  "There is no job `{0}`; `/info` lists yours.":
    "ジョブ `{0}` はありません。自分のジョブは `/info` で確認できます。",
  "This button belongs to an image made in another server.":
    "このボタンは別のサーバーで生成された画像のものです。",
  "This button is no longer valid.":
    "このボタンは無効になりました。",
  "This image has expired (images are kept {0} days). Run the prompt again with its seed to get it back.":
    "この画像は保存期間が過ぎました（画像の保存期間は{0}日です）。同じシードでプロンプトをもう一度実行すると、再び生成できます。",
  "This image has expired.":
    "この画像は保存期間が過ぎました。",
  "This image is no longer available (images are kept {0} days).":
    "この画像はもう利用できません（画像の保存期間は{0}日です）。",
  "This image is no longer available.":
    "この画像はもう利用できません。",
  "This image is no longer kept by the server.":
    "この画像はサーバーに保存されていません。",
  "This job has no image #{0}.":
    "このジョブに画像 #{0} はありません。",
  "This needs {0}, but only {1} of this server's daily {2} are left; resets at 00:00 UTC (in {3}).":
    "{0}が必要ですが、このサーバーの1日の上限{2}枚のうち残りは{1}枚です。00:00 UTC にリセットされます（あと {3}）。",
  "This needs {0}, but only {1} of your daily {2} are left; resets at 00:00 UTC (in {3}).":
    "{0}が必要ですが、あなたの1日の上限{2}枚のうち残りは{1}枚です。00:00 UTC にリセットされます（あと {3}）。",
  "This prompt cannot be used: sexual content involving minors is never made here.":
    "このプロンプトは使用できません。未成年者が関わる性的コンテンツは一切生成しません。",
  "This result was not posted: this server's image safety check flagged it. The images were given back to your quota.":
    "この結果は、このサーバーの画像安全チェックで検出されたため投稿されませんでした。使用した枚数は枠に戻されました。",
  "this server allows":
    "このサーバーで許可される",
  "This server has used its daily {0} seconds of generation time; resets at 00:00 UTC (in {1}).":
    "このサーバーは 1 日の生成時間 {0} 秒を使い切りました。00:00 UTC にリセットされます（あと {1}）。",
  "This server: {0}":
    "このサーバー: {0}",
  "Too many wrong admin passwords from this address; wait a minute.":
    "このアドレスから誤った管理者パスワードが多すぎます。1 分待ってください。",
  "Top half":
    "上半分",
  "Top-left quarter":
    "左上 1/4",
  "Top-right quarter":
    "右上 1/4",
  "Try:":
    "試す:",
  "Type {0} and press Enter. Everyone in this server sees the result.":
    "{0} と入力して Enter を押してください。このサーバーの全員に結果が表示されます。",
  "Unknown `/{0} {1}`.":
    "`/{0} {1}` は不明なコマンドです。",
  "Unknown `/limits {0}`. {1}":
    "`/limits {0}` は不明なサブコマンドです。{1}",
  "Unknown command `{0}`. Commands: {1}.":
    "不明なコマンド `{0}` です。コマンド一覧: {1}。",
  "Unknown command `/{0}`. Available: {1}.":
    "不明なコマンド `/{0}` です。利用可能: {1}。",
  "Unknown command `/{0}`. Commands: {1}.":
    "不明なコマンド `/{0}` です。コマンド一覧: {1}。",
  "unknown limit '{0}'; known: {1}":
    "不明な制限 '{0}'。既知の制限: {1}",
  "Unknown limit `{0}`. Limits: {1}.":
    "不明な制限 `{0}` です。制限一覧: {1}。",
  "Unknown model '{0}'.":
    "不明なモデル '{0}' です。",
  "Unknown model `{0}`. Available: {1}.":
    "不明なモデル `{0}` です。利用可能: {1}。",
  "Unknown model `{0}`. Known models: {1}.":
    "不明なモデル `{0}` です。既知のモデル: {1}。",
  "Unknown parameter `--{0}`. Known parameters: {1}.":
    "不明なパラメーター `--{0}` です。使えるパラメーター: {1}。",
  "Unknown sampler `{0}`; the samplers are {1}.":
    "不明なサンプラー `{0}` です。使えるサンプラー: {1}。",
  "Unknown setting `{0}`. Settings: {1}.":
    "不明な設定 `{0}` です。設定一覧: {1}。",
  "unsafe score (0–1) from which the safety check flags a result":
    "安全チェックが結果を検出する不適切スコア（0–1）のしきい値",
  "unsafe score {0}":
    "不適切スコア {0}",
  "Up to {0} requests a minute, {1} jobs waiting at once.":
    "1分あたり最大{0}回のリクエスト、同時に待機できるジョブは{1}件までです。",
  "Upscaling is turned off on this server.":
    "このサーバーではアップスケールが無効になっています。",
  "Upscaling this image {0}× would make {1}×{2}":
    "この画像を{0}倍にアップスケールすると{1}×{2}になります",
  "Upscaling this image {0}× would make {1}×{2}; this bot upscales to at most {3} pixels.":
    "この画像を{0}倍にアップスケールすると{1}×{2}になります。このボットがアップスケールできるのは最大{3}ピクセルです。",
  "Usage: {0}.":
    "使い方: {0}。",
  "Usage: `/cancel` (your newest job) or `/cancel <job id>` (ids are shown by `/info`).":
    "使い方: `/cancel`（最新のジョブ）または `/cancel <job id>`（IDは `/info` で確認できます）。",
  "Usage: `/limits show`, `/limits set <name> <value>` (lists comma-separated, `-` for none), `/limits reset <name>`, `/limits history`, `/limits ban @user`, `/limits unban @user`.":
    "使い方: `/limits show`、`/limits set <name> <value>`（リストはカンマ区切り、なしは `-`）、`/limits reset <name>`、`/limits history`、`/limits ban @user`、`/limits unban @user`。",
  "Use `/imagine` with the picture attached, or its link at the start of the prompt.":
    "画像を添付するか、プロンプトの先頭に画像のリンクを付けて `/imagine` を使ってください。",
  "Use this region":
    "この範囲を使う",
  "User name":
    "ユーザー名",
  "V, Vary and Zoom Out ask for the prompt first (on or off)":
    "V、Vary、Zoom Out の前にプロンプトを編集する（on または off）",
  "Vary (Region) asks for the prompt in a form, which this place cannot show.":
    "Vary (Region) はフォームでプロンプトを入力しますが、ここではフォームを表示できません。",
  "Welcome to #general on {0}":
    "{0} の #general へようこそ",
  "What to leave out (same as --no)":
    "除外したいもの（--no と同じ）",
  "What to make of the picture, e.g. a watercolor painting --ar 3:2":
    "画像をどう変えるか。例: a watercolor painting --ar 3:2",
  "whether /imagine takes a picture to start from, attached or linked (on or off)":
    "/imagine で、添付またはリンクした画像から生成できるかどうか（on または off）",
  "whether a running job shows its pictures as they form (on or off)":
    "実行中のジョブで生成途中の画像を表示するかどうか（on または off）",
  "whether results can be edited: Zoom Out, Custom Zoom, Make Square and Pan (on or off)":
    "結果を編集できるかどうか: Zoom Out、Custom Zoom、Make Square、Pan（on または off）",
  "whether upscale buttons work":
    "アップスケールボタンを使えるかどうか",
  "Which limit":
    "対象の制限",
  "Which setting":
    "対象の設定",
  "Who changed which limit when (server admins)":
    "誰がいつどの制限を変更したかを表示します（サーバー管理者）",
  "Whom":
    "対象のユーザー",
  "words that refuse a prompt, comma-separated":
    "プロンプトを拒否する単語。カンマ区切り",
  "workspace admins and owners, and the users the deployer lists in SLACK_ADMIN_USERS":
    "ワークスペースの管理者とオーナー、および導入者が SLACK_ADMIN_USERS に指定したユーザー",
  "write each pattern as /pattern/flags, e.g. /\\bfoo+\\b/i (got '{0}').":
    "パターンは /pattern/flags の形式で書いてください。例: /\\bfoo+\\b/i（入力値: '{0}'）。",
  "write each pattern as /pattern/flags, separated by spaces or commas, e.g. /\\bfoo+\\b/i /bar/ (could not read '{0}').":
    "パターンは /pattern/flags の形式で、スペースかカンマで区切って書いてください。例: /\\bfoo+\\b/i /bar/（読み取れなかった部分: '{0}'）。",
  "You":
    "あなた",
  "You already have {0} waiting (the limit here is {1}); please wait until one starts.":
    "すでに{0}が待機中です（ここでの上限は{1}件）。いずれかが開始されるまでお待ちください。",
  "You can make {0} a minute here; please try again in {1}.":
    "ここで1分間に送れるのは{0}までです。{1} 後にもう一度お試しください。",
  "You cannot ban yourself. Nothing was changed.":
    "自分自身を利用禁止にすることはできません。何も変更されませんでした。",
  "You have no queued or running jobs.":
    "待機中または実行中のジョブはありません。",
  "You reached your daily limit of {0} images on this server; resets at 00:00 UTC (in {1}).":
    "このサーバーでのあなたの1日の上限（{0}枚）に達しました。00:00 UTC にリセットされます（あと {1}）。",
  "You: {0}":
    "あなた: {0}",
  "your default aspect ratio, e.g. 16:9":
    "デフォルトのアスペクト比（例: 16:9）",
  "your default guidance (cfg)":
    "デフォルトのガイダンス（CFG）",
  "your default model (see /models)":
    "デフォルトのモデル（/models を参照）",
  "your default number of steps":
    "デフォルトのステップ数",
  "your default sampler, e.g. dpmpp-2m-karras":
    "デフォルトのサンプラー（例: dpmpp-2m-karras）",
  "Your defaults: {0} (change them with `/settings`)":
    "あなたのデフォルト: {0}（`/settings` で変更できます）",
  "Your own defaults here: model, size, steps, sampler, suffix, Remix, private mode":
    "このサーバーでの自分用のデフォルト: モデル、サイズ、ステップ数、サンプラー、サフィックス、Remix、プライベートモード",
  "Your prompt contains a word this server does not allow (\"{0}\"); please rephrase it.":
    "プロンプトに、このサーバーで許可されていない単語（「{0}」）が含まれています。表現を変えてください。",
  "Your prompt could not be checked against this server's blocked patterns in time; please shorten it, or ask an admin to simplify the patterns.":
    "このサーバーの禁止パターンとの照合が時間内に終わりませんでした。プロンプトを短くするか、パターンを単純にするよう管理者に依頼してください。",
  "Your prompt matches a pattern this server does not allow; please rephrase it.":
    "プロンプトが、このサーバーで許可されていないパターンに一致しました。表現を変えてください。",
  "your results only you see (on or off)":
    "結果を自分だけに表示する（on または off）",
  "Your settings are back to the defaults.":
    "設定をデフォルトに戻しました。",
  "Your usage today, quota left, and your queued and running jobs":
    "今日の使用量、残りの枠、待機中・実行中のジョブを表示します",
};

export default catalogue;
