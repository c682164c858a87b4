// Words for comparing a capability's promise with a test: both sides go
// through the same tokeniser, so "empty name rejected" and
// `it('should reject an empty name')` and `rejectsEmptyName` share
// {empty, name, reject}. camelCase, kebab-case and snake_case are split; CJK
// text, which has no spaces, becomes overlapping character pairs (the usual
// way to index it without a dictionary).

/** Words too common in specs and tests to tell one capability from another. */
const STOP = new Set(
  (
    'a an and or not no nor the to of in on at by for with from into onto as is are was were be been being it its this that these those ' +
    'there their then than when while where which who whom what how if else so such can could may might must shall should will would ' +
    'do does did done has have had having get gets got also only just all any each every some other more most same both either ' +
    'system user users given we our you your i me my us via per e g eg ie etc new one two ' +
    // Vitest and the code around a test: in every test, so they say nothing.
    'test tests it describe expect tobe toequal tostrictequal tocontain tohavebeencalled tohavebeencalledwith tothrow tomatch ' +
    'tobedefined tobeundefined tobetruthy tobefalsy tobenull tohavelength tohaveproperty tomatchobject tomatchinlinesnapshot ' +
    'tomatchsnapshot await async const let var function return import export default true false null undefined ' +
    'vi mock fn spyon beforeeach aftereach beforeall afterall mockresolvedvalue mockreturnvalue string number boolean object ' +
    'type interface void any unknown ts js'
  ).split(' '),
);

const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+/gu;
const WORD = /[\p{L}\p{N}]+/gu;

/** Plural, -ed and -ing endings, so that "rejects", "rejected" and "rejecting" meet. */
function stem(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 5 && word.endsWith('ing')) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith('ed')) return word.slice(0, word.endsWith('eed') ? -1 : -2);
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us')) return word.slice(0, -1);
  return word;
}

/** The text's words, lower-cased and stemmed, stop words left out, in order (repeats kept). */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const run of text.matchAll(CJK)) {
    const chars = [...run[0]];
    if (chars.length === 1) out.push(chars[0]);
    for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
  }
  const latin = text
    .replace(CJK, ' ')
    // parseHTTPResponse → parse HTTP Response; emptyName → empty Name
    .replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, '$1 $2')
    .replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, '$1 $2');
  for (const m of latin.matchAll(WORD)) {
    const word = m[0].toLowerCase();
    if (word.length < 2 || /^\d+$/.test(word) || STOP.has(word)) continue;
    const stemmed = stem(word);
    if (!STOP.has(stemmed)) out.push(stemmed);
  }
  return out;
}
