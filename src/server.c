/*
 * server.c - worker threads, accept, limits, reload, shutdown: set up
 * with root (server_prepare), run once confined (server_serve).
 */
#define _GNU_SOURCE
#include "server.h"

#include <errno.h>
#include <fcntl.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "capsule.h"
#include "conn.h"
#include "ev.h"
#include "listen.h"
#include "live.h"
#include "log.h"
#include "site.h"
#include "systemd.h"
#include "ticket.h"

/* Connections taken per readiness event: fairness to the open ones. */
#define ACCEPT_BATCH 64
/* How long accepting pauses when the process is out of descriptors. */
#define ACCEPT_PAUSE_MS 100
/* The longest a worker sleeps: timeouts are swept about this often. */
#define SWEEP_INTERVAL_MS 1000
/* Quiet this long after work, a worker gives memory back (release_memory):
 * long enough that a steady load never pays for it, short enough that a
 * burst's memory does not outlive it by much. */
#define IDLE_RELEASE_MS 250

struct server;
struct worker;

/* A listening socket; the watch comes first so ev's pointer is ours. */
struct listener {
	struct ev_watch watch;
	struct worker *worker;
};

struct worker {
	struct server *srv;
	int id;
	pthread_t thread;
	struct ev_loop loop;
	struct listener listeners[CONFIG_MAX_ADDRESSES];
	int nlisteners;
	int accepting;             /* listeners are watched */
	long long paused_until;    /* after EMFILE: do not accept before */
	long long warned_at;       /* last EMFILE warning: one per minute */
	struct ev_watch wake;      /* eventfd: the main thread says "stop" */
	struct conn_host host;
	unsigned site_gen;         /* of host.site */
	int counted;               /* host.nlive already added to srv->open */
	int busy;                  /* events since release_memory last ran */
	int stopping;
};

struct server {
	/* The site as at start, and its configuration: what only a restart
	 * changes (listeners, workers, user, access log) is read from here. */
	struct site *boot;
	const struct config *cfg;
	/* The current site, which new connections get; a reload replaces it
	 * and bumps site_gen, and each worker then takes the new one. */
	pthread_mutex_t site_lock;
	struct site *site;
	atomic_uint site_gen;
	/* Held while a new site is built from the current one: SIGHUP (the
	 * main thread) and live updates (their thread) take turns. */
	pthread_mutex_t build_lock;
	struct worker *workers;
	int nworkers;
	int inited;                /* workers set up (server_prepare) */
	int started;               /* workers running (server_serve) */
	atomic_int open;           /* connections of all workers */
	struct admission *admission;     /* max_per_ip, rate_limit */
	atomic_int stop;
	/* Socket activation: this many listening sockets from the service
	 * manager, at SYSTEMD_LISTEN_FDS_START on; 0: bind [server] address. */
	int inherited;
	int port;                  /* the port requests must name: the boot
	                              site's, kept by every site after it */
	struct live *live;         /* live updates, or NULL */
	struct watch *watch;       /* the live updates' (owned by live):
	                              a reload adds a new host's folder */
};

/* The English plural's "s" for n things: "1 article", "2 articles". */
static const char *
plural(size_t n)
{
	return n == 1 ? "" : "s";
}

static void
set_listening(struct worker *w, int on)
{
	int i;

	if (w->accepting == on)
		return;
	for (i = 0; i < w->nlisteners; i++)
		ev_set(&w->loop, &w->listeners[i].watch, on ? EV_READ : 0);
	w->accepting = on;
}

static int
at_capacity(const struct worker *w)
{
	int open = atomic_load(&w->srv->open) + w->host.nlive - w->counted;

	return open >= w->srv->cfg->max_connections;
}

static void
on_accept(struct ev_watch *lw, unsigned revents)
{
	struct worker *w = ((struct listener *)(void *)lw)->worker;
	struct sockaddr_storage ss;
	long long now;
	socklen_t len;
	int i, fd;

	(void)revents;
	for (i = 0; i < ACCEPT_BATCH; i++) {
		if (at_capacity(w)) {
			/* Resumed by the loop once a connection closes. */
			set_listening(w, 0);
			return;
		}
		len = sizeof(ss);
		fd = accept4(lw->fd, (struct sockaddr *)&ss, &len,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1) {
			switch (errno) {
			case EINTR:
			case ECONNABORTED:
			case EPROTO:
				continue;
			case EMFILE:
			case ENFILE:
			case ENOBUFS:
			case ENOMEM:
				/* Level-triggered: retrying now would spin. */
				now = ev_now_ms();
				if (w->warned_at == 0 || now - w->warned_at >= 60000) {
					log_warn("accept: %s: pausing new "
					    "connections for %d ms at a time",
					    strerror(errno), ACCEPT_PAUSE_MS);
					w->warned_at = now;
				}
				w->paused_until = now + ACCEPT_PAUSE_MS;
				set_listening(w, 0);
				return;
			default:
				return;   /* EAGAIN: nothing more waiting */
			}
		}
		conn_accept(&w->host, fd, (struct sockaddr *)&ss, len);
	}
}

static void
on_wake(struct ev_watch *ww, unsigned revents)
{
	uint64_t n;

	(void)revents;
	if (read(ww->fd, &n, sizeof(n)) == -1 && errno != EAGAIN)
		log_warn("worker wake-up: %s", strerror(errno));
}

static void
begin_stop(struct worker *w)
{
	int i;

	w->stopping = 1;
	set_listening(w, 0);
	for (i = 0; i < w->nlisteners; i++) {
		ev_del(&w->loop, &w->listeners[i].watch);
		close(w->listeners[i].watch.fd);
	}
	w->nlisteners = 0;
	conn_close_idle(&w->host, "server shutting down");
}

/* After a reload: new connections get the new site; those in flight keep
 * the one they hold. */
static void
follow_site(struct worker *w)
{
	struct server *srv = w->srv;
	struct site *old = w->host.site;

	if (atomic_load(&srv->site_gen) == w->site_gen)
		return;
	pthread_mutex_lock(&srv->site_lock);
	w->host.site = site_hold(srv->site);
	w->site_gen = atomic_load(&srv->site_gen);
	pthread_mutex_unlock(&srv->site_lock);
	site_release(old);
}

/*
 * What a burst leaves behind once it is over: the free pages of glibc's
 * arenas (OpenSSL's handshakes allocate and free tens of KB each, and at
 * 128 in flight a worker's arena reaches 7-9 MB that malloc keeps), and
 * the pages of libmagic's database (capsule_idle). Both come back on
 * demand, at the cost of page faults that a quiet worker can afford.
 */
static void
release_memory(void)
{
	capsule_idle();
#ifdef __GLIBC__
	malloc_trim(0);
#endif
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct server *srv = w->srv;
	long long now, next_sweep = 0, stop_deadline = 0;
	int wait_ms, ran;

	for (;;) {
		wait_ms = w->busy ? IDLE_RELEASE_MS : SWEEP_INTERVAL_MS;
		if (!w->accepting && !w->stopping)
			wait_ms = ACCEPT_PAUSE_MS;
		if ((ran = ev_run(&w->loop, wait_ms)) == -1) {
			log_error("worker %d: event loop: %s", w->id,
			    strerror(errno));
			break;
		}
		/* Nothing for wait_ms after some work: the burst is over. */
		if (ran > 0)
			w->busy = 1;
		else if (w->busy) {
			release_memory();
			w->busy = 0;
		}
		follow_site(w);
		now = ev_now_ms();
		if (now >= next_sweep) {
			conn_sweep(&w->host, now);
			next_sweep = now + SWEEP_INTERVAL_MS;
		}
		if (!w->stopping && atomic_load(&srv->stop)) {
			begin_stop(w);
			stop_deadline = now + (long long)srv->cfg->timeout * 1000;
		}
		if (w->stopping && now >= stop_deadline)
			conn_close_all(&w->host, "server shutting down");
		conn_reap(&w->host);
		atomic_fetch_add(&srv->open, w->host.nlive - w->counted);
		w->counted = w->host.nlive;
		if (w->stopping && w->host.nlive == 0)
			break;
		if (!w->stopping && !w->accepting && now >= w->paused_until &&
		    !at_capacity(w))
			set_listening(w, 1);
	}
	return NULL;
}

/*
 * Listener i of worker id: its own SO_REUSEPORT socket on [server] address
 * i; or under socket activation its own descriptor for the manager's socket
 * i, which every worker shares. Each worker closes only its copy, so the
 * socket stays open (the manager holds it too: connections wait in its
 * backlog across a restart). Returns the descriptor, or -1 (logged).
 */
static int
worker_listener(const struct server *srv, int i, int id)
{
	const struct config *cfg = srv->cfg;
	int fd;

	if (srv->inherited > 0) {
		fd = fcntl(SYSTEMD_LISTEN_FDS_START + i, F_DUPFD_CLOEXEC, 0);
		if (fd == -1)
			log_error("socket %d from the service manager: %s",
			    SYSTEMD_LISTEN_FDS_START + i, strerror(errno));
		return fd;
	}
	fd = listen_open(cfg->addresses[i], cfg->port, id == 0);
	if (fd == -1)
		log_error("cannot listen on %s port %d: %s", cfg->addresses[i],
		    cfg->port, strerror(errno));
	return fd;
}

static void
worker_destroy(struct worker *w)
{
	int i;

	for (i = 0; i < w->nlisteners; i++)
		close(w->listeners[i].watch.fd);
	w->nlisteners = 0;
	if (w->wake.fd != -1)
		close(w->wake.fd);
	capsule_close(w->host.capsule);
	site_release(w->host.site);
	w->host.site = NULL;
	ev_destroy(&w->loop);
}

static int
worker_init(struct server *srv, struct worker *w, int id)
{
	const struct config *cfg = srv->cfg;
	char err[512];
	int i, fd, nlisten;

	w->srv = srv;
	w->id = id;
	w->loop.epfd = -1;
	w->wake.fd = -1;
	if (ev_init(&w->loop) == -1) {
		log_error("epoll: %s", strerror(errno));
		return -1;
	}
	if ((w->host.capsule = capsule_open(err, sizeof(err))) == NULL) {
		log_error("%s", err);
		return -1;
	}
	w->host.loop = &w->loop;
	w->host.site = site_hold(srv->site);
	w->site_gen = atomic_load(&srv->site_gen);
	w->host.admission = srv->admission;
	nlisten = srv->inherited > 0 ? srv->inherited : cfg->naddresses;
	for (i = 0; i < nlisten; i++) {
		if ((fd = worker_listener(srv, i, id)) == -1)
			return -1;
		w->listeners[i].watch.fd = fd;
		w->listeners[i].watch.cb = on_accept;
		w->listeners[i].worker = w;
		w->nlisteners++;
		if (ev_add(&w->loop, &w->listeners[i].watch, EV_READ |
		    (srv->inherited > 0 ? EV_EXCLUSIVE : 0)) == -1)
			return -1;
	}
	w->accepting = 1;
	if ((w->wake.fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1)
		return -1;
	w->wake.cb = on_wake;
	return ev_add(&w->loop, &w->wake, EV_READ);
}

void
server_block_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
}

static void
wake_workers(struct server *srv, int nstarted)
{
	uint64_t one = 1;
	int i;

	for (i = 0; i < nstarted; i++)
		if (write(srv->workers[i].wake.fd, &one, sizeof(one)) == -1)
			log_warn("cannot wake worker %d", i);
}

/*
 * Makes site (held once, for the server) current: new connections get it,
 * connections in flight keep theirs. Called with build_lock held.
 */
static void
install_site(struct server *srv, struct site *site)
{
	struct site *old;

	pthread_mutex_lock(&srv->site_lock);
	old = srv->site;
	srv->site = site;
	atomic_fetch_add(&srv->site_gen, 1);
	pthread_mutex_unlock(&srv->site_lock);
	site_release(old);
	wake_workers(srv, srv->started);
}

/*
 * Live updates (live.h), in their thread: the articles folder changed, so
 * a new site is built as a reload builds it, from the configuration in
 * use (the file is read again on SIGHUP only). An article that cannot be
 * read now keeps the pages it had (pages.h).
 */
static void
rebuild_articles(void *arg)
{
	struct server *srv = arg;
	struct site *site;
	char err[1024];

	pthread_mutex_lock(&srv->build_lock);
	/* A file still wrong as before is not logged again (site.h). */
	site = site_new(&srv->site->cfg, srv->port, srv->site, 1, err,
	    sizeof(err));
	if (site == NULL)
		log_error("articles changed, but kept as they were: %s", err);
	else {
		install_site(srv, site);
		log_info("articles changed: rebuilt, %zu article%s, %zu page%s",
		    site_articles(site), plural(site_articles(site)),
		    site_pages(site), plural(site_pages(site)));
	}
	pthread_mutex_unlock(&srv->build_lock);
}

/*
 * SIGHUP: reads the config file again and builds a new site from it (the
 * certificate and key, the articles) on the side, then makes it current.
 * Anything wrong, and the old site keeps serving untouched: the same
 * FILE:LINE messages as at start-up say why.
 */
static void
reload(struct server *srv)
{
	struct ticket_file *tickets = NULL;
	struct config *cfg;
	struct site *site;
	char err[1024], what[256], url[300];
	int i, n;

	log_info("SIGHUP: reloading %s", srv->cfg->path);
	systemd_notify_reloading();
	if ((cfg = malloc(sizeof(*cfg))) == NULL) {
		log_error("reload refused: out of memory");
		systemd_notify("READY=1");
		return;
	}
	if (config_load(srv->cfg->path, cfg, err, sizeof(err)) == -1) {
		log_error("reload refused, still serving as before: %s", err);
		goto out;
	}
	if ((n = config_restart_needed(srv->cfg, cfg, what,
	    sizeof(what))) > 0) {
		log_error("reload refused, still serving as before: %s: "
		    "changed, and only a restart can apply %s (listeners, "
		    "workers, the user and the sandbox are set up at start)",
		    what, n == 1 ? "it" : "them");
		goto out;
	}
	/* Read again, like the certificates: the operator rotates the keys
	 * by editing the file, then reloading. */
	if (cfg->ticket_keys[0] != '\0' && (tickets = ticket_file_read(
	    cfg->ticket_keys, err, sizeof(err))) == NULL) {
		log_error("reload refused, still serving as before: %s", err);
		goto out;
	}
	pthread_mutex_lock(&srv->build_lock);
	if ((site = site_new(cfg, srv->port, srv->site, 0, err,
	    sizeof(err))) == NULL) {
		pthread_mutex_unlock(&srv->build_lock);
		ticket_file_free(tickets);
		log_error("reload refused, still serving as before: %s", err);
		goto out;
	}
	install_site(srv, site);
	ticket_use(tickets);
	/* A host the reload brought, or an articles folder it moved: live
	 * updates follow it too (inotify_add_watch is allowed confined). */
	for (i = 0; srv->watch != NULL && i < cfg->nhosts; i++)
		watch_add(srv->watch, cfg->hosts[i].root,
		    cfg->hosts[i].articles);
	log_set_level(cfg->log_level);
	site_url(site->hosts[0].cfg->name, srv->port, url, sizeof(url));
	if (!cfg->has_host_sections)
		log_info("reloaded: %s, %zu article%s, %zu page%s, "
		    "certificate SHA-256 fingerprint %s", url,
		    site_articles(site), plural(site_articles(site)),
		    site_pages(site), plural(site_pages(site)),
		    site->hosts[0].fingerprint);
	else {
		log_info("reloaded: %d host%s, %zu article%s, %zu page%s",
		    site->nhosts, plural((size_t)site->nhosts),
		    site_articles(site), plural(site_articles(site)),
		    site_pages(site), plural(site_pages(site)));
		site_log_hosts(site);
	}
	pthread_mutex_unlock(&srv->build_lock);
out:
	free(cfg);
	/* Serving either way: the new site, or the old one untouched. */
	systemd_notify("READY=1");
}

/*
 * The main thread's job while workers serve: wait for signals. TERM and
 * INT stop; HUP reloads; USR1 reopens the access log (after logrotate).
 */
static void
wait_for_stop(struct server *srv)
{
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		switch (sig) {
		case SIGTERM:
		case SIGINT:
			log_info("%s: finishing responses in flight, then exiting",
			    strsignal(sig));
			return;
		case SIGHUP:
			reload(srv);
			break;
		case SIGUSR1:
			if (log_reopen() == 0)
				log_info("SIGUSR1: access log reopened");
			break;
		default:
			break;
		}
	}
}

/*
 * Every connection is a descriptor: raise the soft limit to fit
 * max_connections (plus listeners, log, libmagic), as far as the hard limit
 * allows, so the 1,024 that shells default to is not the real cap.
 */
static void
raise_fd_limit(const struct config *cfg)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)cfg->max_connections + 64;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= want ?
	    want : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur < want)
		log_warn("open files limited to %llu: fewer than max_connections "
		    "(%d) can be served at once", (unsigned long long)rl.rlim_cur,
		    cfg->max_connections);
}

struct server *
server_prepare(struct site *site, int inherited)
{
	const struct config *cfg = &site->cfg;
	struct server *srv;
	struct watch *watch;
	int i;

	if ((srv = calloc(1, sizeof(*srv))) == NULL) {
		log_error("out of memory");
		return NULL;
	}
	/* Two holds: the boot site keeps srv->cfg, which points into it,
	 * until server_free; srv->site is the current one, which a reload
	 * replaces. */
	srv->boot = site_hold(site);
	srv->cfg = cfg;
	srv->site = site_hold(site);
	srv->port = site->port;
	pthread_mutex_init(&srv->site_lock, NULL);
	pthread_mutex_init(&srv->build_lock, NULL);
	atomic_init(&srv->site_gen, 0);
	atomic_init(&srv->open, 0);
	atomic_init(&srv->stop, 0);
	srv->inherited = inherited;
	raise_fd_limit(cfg);
	srv->nworkers = cfg->workers;
	if ((srv->workers = calloc((size_t)srv->nworkers,
	    sizeof(*srv->workers))) == NULL) {
		log_error("out of memory");
		goto fail;
	}
	/* Sized for max_connections, which only a restart changes. */
	if ((srv->admission = admission_new(cfg->max_connections)) == NULL) {
		log_error("per-address table: %s", errno == ENOMEM ?
		    "out of memory" : "no randomness for its key");
		goto fail;
	}
	for (srv->inited = 0; srv->inited < srv->nworkers; srv->inited++) {
		if (worker_init(srv, &srv->workers[srv->inited],
		    srv->inited) == -1) {
			worker_destroy(&srv->workers[srv->inited]);
			goto fail;
		}
	}
	/* Live updates: inotify and the thread's loop are set up now, as
	 * root, since the seccomp filter refuses both afterwards. */
	if ((watch = watch_new()) != NULL) {
		for (i = 0; i < cfg->nhosts; i++)
			watch_add(watch, cfg->hosts[i].root,
			    cfg->hosts[i].articles);
		if ((srv->live = live_new(watch, rebuild_articles, srv)) !=
		    NULL)
			srv->watch = watch;
	}
	return srv;
fail:
	server_free(srv);
	return NULL;
}

int
server_serve(struct server *srv)
{
	const struct config *cfg = srv->cfg;
	const struct config_host *host = &cfg->hosts[cfg->default_host];
	char status[512], url[300];
	int i, started, rc = 0;

	/* The port too, when it is not Gemini's: the URL a reader types. */
	site_url(host->name, srv->port, url, sizeof(url));
	for (i = 0; srv->inherited == 0 && i < cfg->naddresses; i++)
		log_info("listening on %s port %d", cfg->addresses[i],
		    cfg->port);
	if (cfg->has_host_sections)
		log_info("serving %d host%s with %d worker%s", cfg->nhosts,
		    cfg->nhosts == 1 ? "" : "s", srv->nworkers,
		    srv->nworkers == 1 ? "" : "s");
	else
		log_info("serving %s as %s with %d worker%s", host->root, url,
		    srv->nworkers, srv->nworkers == 1 ? "" : "s");
#ifdef __GLIBC__
	/*
	 * glibc's malloc sets itself up on first use, and its set-up is not
	 * made for two threads at once. When another allocator stands in for
	 * malloc (AddressSanitizer's, or one loaded with LD_PRELOAD), that
	 * first use can be two workers' malloc_trim (release_memory) at the
	 * same moment, which crashed under ASan: it is made here, on this
	 * one thread, before any worker runs.
	 */
	malloc_trim(0);
#endif
	for (started = 0; started < srv->nworkers; started++) {
		if (pthread_create(&srv->workers[started].thread, NULL,
		    worker_main, &srv->workers[started]) != 0) {
			log_error("cannot start worker %d", started);
			rc = -1;
			break;
		}
	}
	srv->started = started;
	if (rc == 0 && srv->live != NULL && live_start(srv->live) == 0)
		for (i = 0; i < cfg->nhosts; i++)
			log_info("watching %s/%s: articles change as they are "
			    "saved", cfg->hosts[i].root,
			    cfg->hosts[i].articles);
	if (rc == 0) {
		if (cfg->has_host_sections)
			snprintf(status, sizeof(status), "READY=1\nSTATUS="
			    "serving %d host%s with %d worker%s", cfg->nhosts,
			    cfg->nhosts == 1 ? "" : "s", srv->nworkers,
			    srv->nworkers == 1 ? "" : "s");
		else
			snprintf(status, sizeof(status), "READY=1\nSTATUS="
			    "serving %s with %d worker%s", url, srv->nworkers,
			    srv->nworkers == 1 ? "" : "s");
		/* A full queue (EAGAIN) was logged already, once. */
		if (systemd_notify(status) == -1 && errno != EAGAIN)
			log_warn("cannot notify the service manager: %s",
			    strerror(errno));
		wait_for_stop(srv);
		systemd_notify("STOPPING=1");
	}
	/* Before the workers go: a rebuild under way wakes them. */
	live_free(srv->live);
	srv->live = NULL;
	atomic_store(&srv->stop, 1);
	wake_workers(srv, started);
	for (i = 0; i < started; i++)
		pthread_join(srv->workers[i].thread, NULL);
	return rc;
}

void
server_free(struct server *srv)
{
	int i;

	if (srv == NULL)
		return;
	live_free(srv->live);
	for (i = 0; i < srv->inited; i++)
		worker_destroy(&srv->workers[i]);
	free(srv->workers);
	admission_free(srv->admission);
	site_release(srv->site);
	site_release(srv->boot);
	pthread_mutex_destroy(&srv->site_lock);
	pthread_mutex_destroy(&srv->build_lock);
	free(srv);
}
