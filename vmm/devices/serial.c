// SPDX-License-Identifier: GPL-2.0-only
/*
 * A 16550A-compatible UART: enough for Linux's 8250 driver to detect it,
 * print with interrupts and read input. Bytes leave at once, so the
 * transmit FIFO is always empty; announcing one lets the driver write 16
 * bytes per interrupt instead of one. The IRQ is level-modelled and
 * driven with KVM_IRQ_LINE only when it changes. Every register access is
 * one exit, so keep the guest's console quiet.
 */
#include <errno.h>
#include <glib.h>
#include <string.h>
#include <unistd.h>

#include "devices/console.h"
#include "devices/devices.h"
#include "kvm/io.h"
#include "kvm/vm.h"
#include "util/log.h"
#include "util/vipi_config.h"

#define UART_RBR 0 /* DLAB=0 read */
#define UART_THR 0 /* DLAB=0 write */
#define UART_DLL 0 /* DLAB=1 */
#define UART_IER 1 /* DLAB=0 */
#define UART_DLM 1 /* DLAB=1 */
#define UART_IIR 2 /* read */
#define UART_FCR 2 /* write */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_MSR 6
#define UART_SCR 7

#define IER_RDI	     0x01
#define IER_THRI     0x02
#define IIR_NO_INT   0x01
#define IIR_THRI     0x02
#define IIR_RDI	     0x04
#define IIR_FIFO     0xc0
#define FCR_ENABLE   0x01
#define FCR_CLEAR_RX 0x02
#define LCR_DLAB     0x80
#define MCR_DTR	     0x01
#define MCR_RTS	     0x02
#define MCR_OUT1     0x04
#define MCR_OUT2     0x08
#define MCR_LOOP     0x10
#define LSR_DR	     0x01
#define LSR_THRE     0x20
#define LSR_TEMT     0x40
#define MSR_CTS	     0x10
#define MSR_DSR	     0x20
#define MSR_RI	     0x40
#define MSR_DCD	     0x80

#define RX_SIZE 256

/*
 * UARTs may share an ISA IRQ (ttyS0 and ttyS2 both use 4), and ISA IRQs
 * are edge-triggered: a new event must make a rising edge even while the
 * line is already high (for this UART or another), or the guest never
 * hears of it and its transmit path stalls. The line is the OR of what
 * each UART asserts, kept here per IRQ, one for the machine's UARTs.
 */
struct serial_lines {
	GMutex lock;
	unsigned int users[16]; /* per IRQ: the bits of the UARTs asserting it */
};

struct serial {
	struct vm *vm;
	struct serial_lines *lines;
	GMutex lock;
	uint16_t base;
	unsigned int irq;
	int out_fd;
	bool console;
	bool irq_level;
	bool thri;	  /* THRE interrupt pending: set when THR empties, cleared by IIR */
	unsigned int bit; /* in lines->users[irq] */
	uint8_t ier, lcr, mcr, scr, dll, dlm;
	bool fifo; /* FCR bit 0 */
	uint8_t rx[RX_SIZE];
	unsigned int rx_head, rx_len;
	struct console_lines log; /* the console's only */
};

static uint8_t serial_iir(struct serial *s)
{
	if ((s->ier & IER_RDI) && s->rx_len)
		return IIR_RDI;
	if ((s->ier & IER_THRI) && s->thri)
		return IIR_THRI;
	return IIR_NO_INT;
}

static void serial_irq_line(struct serial *s, bool level)
{
	if (vm_irq_line(s->vm, s->irq, level))
		pr_warn_ratelimited("serial 0x%x: KVM_IRQ_LINE failed", s->base);
}

/*
 * Called with the lock held after any state change. EVENT: something new
 * happened (THR emptied, THRI enabled, a byte arrived) that needs an edge.
 */
static void serial_update_irq(struct serial *s, bool event)
{
	/* OUT2 gates the interrupt onto the bus, as on a PC. */
	bool level = serial_iir(s) != IIR_NO_INT && (s->mcr & MCR_OUT2);
	bool rising = level && (!s->irq_level || event);
	unsigned int *users = &s->lines->users[s->irq];
	bool was_high;

	if (!rising && level == s->irq_level)
		return;
	s->irq_level = level;
	g_mutex_lock(&s->lines->lock);
	was_high = *users;
	*users = level ? *users | s->bit : *users & ~s->bit;
	if (rising) {
		if (was_high)
			serial_irq_line(s, false);
		serial_irq_line(s, true);
	} else if (was_high && !*users) {
		serial_irq_line(s, false);
	}
	g_mutex_unlock(&s->lines->lock);
}

static void serial_tx(struct serial *s, uint8_t c)
{
	if (s->mcr & MCR_LOOP) {
		if (s->rx_len < RX_SIZE)
			s->rx[(s->rx_head + s->rx_len++) % RX_SIZE] = c;
		return;
	}
	if (s->console)
		console_lines_put(&s->log, s->vm, c);
	/* A host that stops reading our output loses it; the guest goes on. */
	while (s->out_fd >= 0 && write(s->out_fd, &c, 1) < 0) {
		if (errno != EINTR) /* EINTR: a kick, not a failure */
			s->out_fd = -1;
	}
}

static uint8_t serial_msr(struct serial *s)
{
	if (!(s->mcr & MCR_LOOP))
		return MSR_DCD | MSR_DSR | MSR_CTS;
	/* Loopback wires the modem outputs back to the inputs. */
	return (s->mcr & MCR_RTS ? MSR_CTS : 0) | (s->mcr & MCR_DTR ? MSR_DSR : 0) |
	       (s->mcr & MCR_OUT1 ? MSR_RI : 0) | (s->mcr & MCR_OUT2 ? MSR_DCD : 0);
}

static uint8_t serial_read(struct serial *s, unsigned int reg)
{
	uint8_t v = 0;

	switch (reg) {
	case UART_RBR:
		if (s->lcr & LCR_DLAB)
			return s->dll;
		if (s->rx_len) {
			v = s->rx[s->rx_head];
			s->rx_head = (s->rx_head + 1) % RX_SIZE;
			s->rx_len--;
		}
		return v;
	case UART_IER:
		return s->lcr & LCR_DLAB ? s->dlm : s->ier;
	case UART_IIR:
		v = serial_iir(s);
		if (v == IIR_THRI)
			s->thri = false; /* reading it acknowledges it */
		return v | (s->fifo ? IIR_FIFO : 0);
	case UART_LCR:
		return s->lcr;
	case UART_MCR:
		return s->mcr;
	case UART_LSR:
		return LSR_THRE | LSR_TEMT | (s->rx_len ? LSR_DR : 0);
	case UART_MSR:
		return serial_msr(s);
	default:
		return s->scr;
	}
}

/* Returns true when the write raised a new interrupt condition. */
static bool serial_write(struct serial *s, unsigned int reg, uint8_t v)
{
	switch (reg) {
	case UART_THR:
		if (s->lcr & LCR_DLAB) {
			s->dll = v;
			break;
		}
		/* Sent at once: the holding register is empty again. Only a
		 * change of that needs an edge, not each byte of a burst. */
		serial_tx(s, v);
		if (s->thri)
			return false;
		s->thri = true;
		return true;
	case UART_IER:
		if (s->lcr & LCR_DLAB) {
			s->dlm = v;
			break;
		}
		/* Enabling THRI with THR empty interrupts, as on a real 8250. */
		if ((v & IER_THRI) && !(s->ier & IER_THRI)) {
			s->thri = true;
			s->ier = v & 0x0f;
			return true;
		}
		s->ier = v & 0x0f;
		break;
	case UART_FCR:
		s->fifo = v & FCR_ENABLE;
		if (v & FCR_CLEAR_RX)
			s->rx_len = 0;
		break;
	case UART_LCR:
		s->lcr = v;
		break;
	case UART_MCR:
		s->mcr = v & 0x1f;
		break;
	case UART_SCR:
		s->scr = v;
		break;
	default:
		break; /* LSR and MSR are read-only */
	}
	return false;
}

static void serial_io(void *opaque, uint64_t off, void *data, unsigned int len, bool write)
{
	struct serial *s = opaque;
	uint8_t *p = data;
	bool event = false;

	/* The 8250 has byte registers; wider accesses are a guest bug. */
	if (len != 1 || off > UART_SCR) {
		pr_warn_ratelimited("serial 0x%x: %u-byte access ignored", s->base, len);
		if (!write)
			memset(data, 0xff, len);
		return;
	}
	g_mutex_lock(&s->lock);
	if (write)
		event = serial_write(s, off, *p);
	else
		*p = serial_read(s, off);
	serial_update_irq(s, event);
	g_mutex_unlock(&s->lock);
}

static void serial_destroy(struct serial *s)
{
	if (!s)
		return;
	io_unregister(s->vm, IO_PIO, s->base);
	g_mutex_clear(&s->lock);
	console_lines_clear(&s->log);
	g_free(s);
}

/* One UART at BASE on IRQ; its output goes to OUT_FD (-1: nowhere). */
static int serial_create(struct devices *d, struct serial_lines *lines, uint16_t base,
			 unsigned int irq, int out_fd, struct serial **out)
{
	struct serial *s = g_new0(struct serial, 1);
	int r;

	s->vm = d->vm;
	s->lines = lines;
	s->base = base;
	s->irq = irq & 15;
	s->thri = true; /* THR starts empty */
	s->bit = 1u << ((base >> 4) & 31);
	s->out_fd = out_fd;
	s->console = base == SERIAL_COM1;
	g_mutex_init(&s->lock);
	r = io_register(d->vm, IO_PIO, base, 8, serial_io, s);
	if (r) {
		pr_err("serial 0x%x: %s", base, g_strerror(-r));
		g_mutex_clear(&s->lock);
		g_free(s);
		return r;
	}
	*out = s;
	return 0;
}

/* The UARTs serial_init() made, and their lines. */
static void serial_destroy_all(struct devices *d, struct serial_lines *lines)
{
	g_clear_pointer(&d->err, serial_destroy);
	g_clear_pointer(&d->out, serial_destroy);
	g_clear_pointer(&d->console, serial_destroy);
	g_mutex_clear(&lines->lock);
	g_free(lines);
}

static int serial_init(struct devices *d)
{
	struct serial_lines *lines = g_new0(struct serial_lines, 1);
	const int *fds = d->cfg->serial_fds;
	int r;

	g_mutex_init(&lines->lock);
	r = serial_create(d, lines, SERIAL_COM1, SERIAL_IRQ_COM1, fds[0], &d->console);
	if (!r)
		r = serial_create(d, lines, SERIAL_COM2, SERIAL_IRQ_COM2, fds[1], &d->out);
	if (!r)
		r = serial_create(d, lines, SERIAL_COM3, SERIAL_IRQ_COM3, fds[2], &d->err);
	if (r)
		serial_destroy_all(d, lines);
	return r;
}

static void serial_exit(struct devices *d)
{
	serial_destroy_all(d, d->console->lines);
}

const struct device serial_device = {
	.name = "serial",
	.init = serial_init,
	.exit = serial_exit,
};

size_t serial_rx_room(struct serial *s)
{
	size_t room;

	g_mutex_lock(&s->lock);
	/*
	 * Hold input until the guest's driver takes receive interrupts: its
	 * start-up drains the receiver, which would eat early keystrokes.
	 */
	room = (s->ier & IER_RDI) ? RX_SIZE - s->rx_len : 0;
	g_mutex_unlock(&s->lock);
	return room;
}

size_t serial_rx(struct serial *s, const uint8_t *buf, size_t len)
{
	size_t n = 0;

	g_mutex_lock(&s->lock);
	while (n < len && s->rx_len < RX_SIZE)
		s->rx[(s->rx_head + s->rx_len++) % RX_SIZE] = buf[n++];
	serial_update_irq(s, n > 0);
	g_mutex_unlock(&s->lock);
	return n;
}

/* A copy of one of the console's lines, taken under the UART's lock. */
static char *serial_line(struct serial *s, char *const *line)
{
	char *r;

	g_mutex_lock(&s->lock);
	r = g_strdup(*line);
	g_mutex_unlock(&s->lock);
	return r;
}

char *serial_panic_line(struct serial *s)
{
	return serial_line(s, &s->log.panic);
}

char *serial_last_line(struct serial *s)
{
	return serial_line(s, &s->log.last);
}
