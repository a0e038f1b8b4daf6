/* control module: a pipeline's connectors from C (embedding): pause,
 * resume, restart, remove, and their state and error, as the REST API's
 * pause/resume/restart/delete and status do. Each runs on the loop thread
 * (pipeline_exec), so any thread may call them while httpsrc_pipeline_run()
 * runs, or before and after; not from a callback the loop is running (it
 * would wait for itself): there they return HTTPSRC_ERR_STATE. */
#include <stdio.h>
#include <string.h>

#include "pipeline_int.h"

enum ctl_op { CTL_PAUSE, CTL_RESUME, CTL_RESTART, CTL_REMOVE, CTL_STATE,
              CTL_ERROR };

typedef struct ctl {
        const char *name;
        enum ctl_op op;
        int rc;
        char *buf; /* CTL_ERROR */
        size_t size;
} ctl;

static void run_ctl(httpsrc_pipeline *p, void *arg)
{
        ctl *x       = arg;
        task *c      = pipeline_find(p, x->name);
        char err[1024];
        if (!c || pipeline_deleting(p, c)) {
                x->rc = HTTPSRC_ERR_NOENT;
                return;
        }
        x->rc = HTTPSRC_OK;
        switch (x->op) {
        case CTL_PAUSE:
        case CTL_RESUME:
                task_set_target(c, x->op == CTL_PAUSE ? TARGET_PAUSED
                                                      : TARGET_STARTED);
                break;
        case CTL_RESTART:
                x->rc = pipeline_restart(p, x->name, NULL, err, sizeof(err));
                break;
        case CTL_REMOVE:
                x->rc = pipeline_delete(p, x->name);
                break;
        case CTL_STATE:
                x->rc = pipeline_state(p, c);
                break;
        case CTL_ERROR:
                snprintf(x->buf, x->size, "%s",
                         task_is_failed(c) ? task_failure(c) : "");
                break;
        }
}

static int control(httpsrc_pipeline *p, const char *name, enum ctl_op op,
                   char *buf, size_t size)
{
        ctl x = {name, op, HTTPSRC_ERR_NOENT, buf, size};
        if (!p || !name)
                return HTTPSRC_ERR_INVAL;
        if (pipeline_on_loop_thread(p))
                return HTTPSRC_ERR_STATE;
        pipeline_exec(p, run_ctl, &x);
        return x.rc;
}

int httpsrc_pipeline_pause_connector(httpsrc_pipeline *p, const char *name)
{
        return control(p, name, CTL_PAUSE, NULL, 0);
}

int httpsrc_pipeline_resume_connector(httpsrc_pipeline *p, const char *name)
{
        return control(p, name, CTL_RESUME, NULL, 0);
}

int httpsrc_pipeline_restart_connector(httpsrc_pipeline *p, const char *name)
{
        return control(p, name, CTL_RESTART, NULL, 0);
}

int httpsrc_pipeline_remove_connector(httpsrc_pipeline *p, const char *name)
{
        return control(p, name, CTL_REMOVE, NULL, 0);
}

int httpsrc_pipeline_connector_state(httpsrc_pipeline *p, const char *name)
{
        return control(p, name, CTL_STATE, NULL, 0);
}

int httpsrc_pipeline_connector_error(httpsrc_pipeline *p,
                                     const char *name,
                                     char *buf,
                                     size_t size)
{
        if (!buf || !size)
                return HTTPSRC_ERR_INVAL;
        buf[0] = '\0';
        return control(p, name, CTL_ERROR, buf, size);
}
