<?xml version="1.0" encoding="utf-8"?>
<!-- Shows an Atom or RSS feed opened in a browser as a readable page: what a feed is,
     how to subscribe, and the issues it carries. Feed readers ignore this file. -->
<xsl:stylesheet version="1.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:atom="http://www.w3.org/2005/Atom"
  exclude-result-prefixes="atom">
  <xsl:output method="html" version="5.0" encoding="utf-8" indent="yes"
    doctype-system="about:legacy-compat"/>

  <xsl:variable name="title" select="/atom:feed/atom:title | /rss/channel/title"/>
  <xsl:variable name="self" select="(/atom:feed/atom:link[@rel='self']/@href | /rss/channel/atom:link[@rel='self']/@href)[1]"/>
  <xsl:variable name="home" select="(/atom:feed/atom:link[@rel='alternate']/@href | /rss/channel/link)[1]"/>

  <xsl:template match="/">
    <html lang="en">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="color-scheme" content="light dark"/>
        <title>Feed: <xsl:value-of select="$title"/></title>
        <style>
          :root { color-scheme: light dark; --text: #1d1f1c; --muted: #55594f; --background: #fbfaf6; --surface: #f0eee6; --link: #1f5c2e; }
          @media (prefers-color-scheme: dark) { :root { --text: #e6e4dc; --muted: #b4b1a5; --background: #141613; --surface: #1f221d; --link: #9fd7a8; } }
          body { margin: 0 auto; max-width: 68ch; padding: 0 1rem 2rem; font-family: system-ui, sans-serif; line-height: 1.6; color: var(--text); background: var(--background); overflow-wrap: break-word; }
          a { color: var(--link); }
          .about { background: var(--surface); padding: 0.75rem 1rem; border-radius: 6px; margin: 1rem 0; }
          code { font-family: ui-monospace, monospace; overflow-wrap: anywhere; }
          .issues { padding-left: 1.2rem; }
          .issues li { margin: 0 0 1rem; }
          .date { color: var(--muted); font-size: 0.95rem; }
        </style>
      </head>
      <body>
        <main>
          <h1><xsl:value-of select="$title"/></h1>
          <div class="about">
            <p><strong>This is a feed.</strong> It is the address a <em>feed reader</em> checks for new issues: an app on your phone or computer, or a website. Copy the address below into your feed reader to subscribe; each new issue then arrives in full, the way an email would.</p>
            <p><code><xsl:value-of select="$self"/></code></p>
            <p>New to feeds? The <a href="{$home}subscribe/">Subscribe page</a> explains them step by step. Or go to the <a href="{$home}">site</a>.</p>
          </div>
          <h2>Issues in this feed</h2>
          <ol class="issues">
            <xsl:apply-templates select="/atom:feed/atom:entry | /rss/channel/item"/>
          </ol>
        </main>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="atom:entry">
    <li>
      <a href="{atom:link[@rel='alternate']/@href | atom:link[not(@rel)]/@href}"><xsl:value-of select="atom:title"/></a>
      <br/><span class="date"><xsl:value-of select="substring(atom:published | atom:updated[not(../atom:published)], 1, 10)"/></span>
    </li>
  </xsl:template>

  <xsl:template match="item">
    <li>
      <a href="{link}"><xsl:value-of select="title"/></a>
      <br/><span class="date"><xsl:value-of select="substring(pubDate, 1, 16)"/></span>
    </li>
  </xsl:template>
</xsl:stylesheet>
