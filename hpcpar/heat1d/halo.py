"""Halo exchange between neighbouring blocks of a 1D Cartesian communicator.

Every rank sends its ``g`` outermost owned points to each neighbour and receives ``g`` ghost
values from each. Physical boundaries have ``MPI.PROC_NULL`` neighbours (messages to and from
them are no-ops); periodic boundaries come from a periodic Cartesian communicator, where rank
0 and rank P-1 are neighbours (and a single rank is its own neighbour).

Two variants with one interface, chosen by name (``--halo``):

* ``isend``: :meth:`begin` posts ``Irecv``/``Isend`` and returns, the caller updates the
  interior, :meth:`end` waits (``Waitall``) - communication overlaps computation;
* ``sendrecv``: :meth:`begin` does two blocking ``Sendrecv`` calls, :meth:`end` is a no-op.
"""

from __future__ import annotations

import numpy as np
from mpi4py import MPI

# Message tags name the direction of travel, so that two ranks that are each other's left
# and right neighbour (periodic, 2 ranks; or a single rank) match messages correctly.
TO_LEFT = 11
TO_RIGHT = 12


def line_communicator(comm: MPI.Comm, periodic: bool) -> MPI.Cartcomm:
    """Collective: a 1D Cartesian communicator over ``comm`` with the same rank order."""
    return comm.Create_cart([comm.size], periods=[periodic], reorder=False)


class HaloExchange:
    """Ghost exchange of width ``g`` on a 1D Cartesian communicator.

    Attributes
    ----------
    send_left, send_right : float64 arrays (g,), filled by the caller before :meth:`begin`.
    recv_left, recv_right : float64 arrays (g,), valid after :meth:`end`.
    left, right : neighbour ranks (``MPI.PROC_NULL`` at a physical boundary).
    """

    overlaps = False

    def __init__(self, cart: MPI.Cartcomm, g: int) -> None:
        self.comm = cart
        self.left, self.right = cart.Shift(0, 1)
        self.send_left, self.send_right, self.recv_left, self.recv_right = (
            np.zeros(g) for _ in range(4))
        # mpi4py buffer specifications built once, not per message
        self._send_left = [self.send_left, MPI.DOUBLE]
        self._send_right = [self.send_right, MPI.DOUBLE]
        self._recv_left = [self.recv_left, MPI.DOUBLE]
        self._recv_right = [self.recv_right, MPI.DOUBLE]

    def begin(self) -> None:
        raise NotImplementedError

    def end(self) -> None:
        raise NotImplementedError


class IsendHalo(HaloExchange):
    """Non-blocking exchange: ``begin`` posts the messages, ``end`` completes them."""

    overlaps = True

    def __init__(self, cart: MPI.Cartcomm, g: int) -> None:
        super().__init__(cart, g)
        self._requests: list[MPI.Request] = []

    def begin(self) -> None:
        comm = self.comm
        self._requests = [
            comm.Irecv(self._recv_left, self.left, TO_RIGHT),
            comm.Irecv(self._recv_right, self.right, TO_LEFT),
            comm.Isend(self._send_left, self.left, TO_LEFT),
            comm.Isend(self._send_right, self.right, TO_RIGHT),
        ]

    def end(self) -> None:
        MPI.Request.Waitall(self._requests)


class SendrecvHalo(HaloExchange):
    """Blocking exchange: one ``Sendrecv`` per direction of travel."""

    def begin(self) -> None:
        comm = self.comm
        comm.Sendrecv(self._send_left, self.left, TO_LEFT, self._recv_right, self.right, TO_LEFT)
        comm.Sendrecv(self._send_right, self.right, TO_RIGHT, self._recv_left, self.left,
                      TO_RIGHT)

    def end(self) -> None:
        pass


HALO_EXCHANGES: dict[str, type[HaloExchange]] = {"isend": IsendHalo, "sendrecv": SendrecvHalo}


def make_halo(name: str, cart: MPI.Cartcomm, g: int) -> HaloExchange:
    """The halo exchange called ``name`` (``"isend"`` or ``"sendrecv"``) of width ``g``."""
    return HALO_EXCHANGES[name](cart, g)
