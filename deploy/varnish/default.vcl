vcl 4.1;
# Varnish 7 in front of gunicorn (docs/deploy.md). Needs the xkey vmod (Debian: varnish-modules).
#
# * Buffers every request and response, so slow clients tie up Varnish, not a gunicorn worker.
# * Caches what the app marks with an `xkey` header (its dependency keys) for `X-Cache-TTL`
#   seconds at most; the app sends `PURGE` with `xkey-purge: <keys>` after each write
#   (VARNISH_PURGE_URLS), which drops exactly the pages built from those keys.
# * Same bypass rules as the app: a signed-in reader (the `signedin` cookie the app sets at
#   sign-in) and the admin always go to the app; anyone else's cookies are not part of the key.

import std;
import xkey;

backend default {
    .host = "127.0.0.1";
    .port = "8000";
}

acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        set req.http.n-gone = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.n-gone));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.http.Authorization || req.http.Cookie ~ "(^|;\s*)(signedin|messages)=") {
        return (pass);
    }
    # The app keeps its own rules for the rest (e.g. the admin is never marked cacheable).
    # A junk or anonymous session cookie is not worth a trip to the app.
    if (req.http.Cookie) {
        set req.http.Cookie = regsuball(req.http.Cookie, "(^|;\s*)sessionid=[^;]*", "");
        set req.http.Cookie = regsub(req.http.Cookie, "^;\s*", "");
        if (req.http.Cookie == "") {
            unset req.http.Cookie;
        }
    }
    return (hash);
}

sub vcl_hash {
    # The path and query only: the app builds every link from its own address, never the Host.
    hash_data(req.url);
    if (req.url ~ "^/api/") {
        hash_data(req.http.Accept);
    }
    return (lookup);
}

sub vcl_backend_response {
    if (beresp.http.xkey && beresp.status == 200 && beresp.http.Cache-Control !~ "private") {
        set beresp.ttl = std.duration(beresp.http.X-Cache-TTL + "s", 0s);
        set beresp.grace = 0s;
        unset beresp.http.Set-Cookie;
        return (deliver);
    }
    set beresp.uncacheable = true;
    set beresp.ttl = 0s;
    return (deliver);
}

sub vcl_deliver {
    unset resp.http.xkey;
    unset resp.http.X-Cache-TTL;
    unset resp.http.Via;
    unset resp.http.X-Varnish;
}
