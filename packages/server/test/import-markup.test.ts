// Slack mrkdwn → our Markdown and emoji names → Unicode, as `clickclack import` converts them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emojiFromName, slackToMarkdown } from '../src/services/import/markup.js';

const names = {
  user: (id: string) => ({ U1: 'alice', U2: 'Bob Baker' })[id],
  channel: (id: string) => ({ C1: 'general' })[id],
};
const md = (text: string) => slackToMarkdown(text, names);

test('mentions, channels and special mentions', () => {
  assert.equal(md('hi <@U1> and <@U2>'), 'hi @alice and @Bob Baker');
  assert.equal(md('<@U9|carol> left'), '@carol left');
  assert.equal(md('<@U9>'), '@U9');
  assert.equal(md('see <#C1> and <#C7|random>'), 'see #general and #random');
  assert.equal(md('<!here> <!channel> <!everyone>'), '@here @channel @everyone');
  assert.equal(md('<!subteam^S1|@devs> ping'), '@devs ping');
});

test('links, mail links and entities', () => {
  assert.equal(
    md('<https://a.test/x?a=1&amp;b=2|the docs>'),
    '[the docs](https://a.test/x?a=1&b=2)',
  );
  assert.equal(md('<https://a.test>'), '<https://a.test>');
  assert.equal(md('<mailto:a@b.test|a@b.test>'), 'a@b.test');
  assert.equal(md('1 &lt; 2 &amp;&amp; 3 &gt; 2'), '1 < 2 && 3 > 2');
  assert.equal(md('&amp;lt; stays literal'), '&lt; stays literal');
});

test('bold, italic and strike; code untouched', () => {
  assert.equal(md('*bold* _italic_ ~gone~'), '**bold** _italic_ ~~gone~~');
  assert.equal(md('a*b*c and 2*3*4'), 'a*b*c and 2*3*4');
  assert.equal(md('`*not bold* &lt;b&gt;`'), '`*not bold* <b>`');
  assert.equal(md('```\n*x* <@U1>\n```'), '```\n*x* <@U1>\n```');
  assert.equal(md('(*yes*) *bold <@U1>*'), '(**yes**) **bold @alice**');
});

test('emoji names', () => {
  assert.equal(emojiFromName('+1'), '👍');
  assert.equal(emojiFromName('thumbsup'), '👍');
  assert.equal(emojiFromName('tada'), '🎉');
  assert.equal(emojiFromName('thumbsup::skin-tone-5'), '👍🏾');
  assert.equal(emojiFromName('partyparrot'), ':partyparrot:');
});
