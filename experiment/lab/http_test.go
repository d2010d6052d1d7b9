package lab

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// scripted is a Service that answers each order ID as told.
type scripted struct {
	place map[int64]error // absent: accepted
	done  map[int64]bool  // Place answers with the result
	wait  map[int64]error
}

func (s scripted) Place(ctx context.Context, o Order) (Receipt, error) {
	if err, ok := s.place[o.ID]; ok {
		return Receipt{}, err
	}
	return Receipt{Done: s.done[o.ID]}, nil
}

func (s scripted) Wait(ctx context.Context, id int64) error {
	if err, ok := s.wait[id]; ok {
		return err
	}
	<-ctx.Done()
	return ctx.Err()
}

// These tests use a real loopback server: they check the contract, not
// any timing.
func TestTheHTTPContractCarriesEveryAnswerToTheRemoteClient(t *testing.T) {
	defer goleak.VerifyNone(t)
	svc := scripted{
		place: map[int64]error{2: ErrRefused, 3: context.DeadlineExceeded},
		done:  map[int64]bool{4: true},
		wait:  map[int64]error{1: nil, 5: ErrDropped, 6: ErrUnknown},
	}
	srv := httptest.NewServer(Handler(svc))
	defer srv.Close()
	remote := NewRemote(srv.URL, 4)
	defer remote.Client.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	r, err := remote.Place(ctx, Order{ID: 1})
	require.NoError(t, err)
	assert.False(t, r.Done, "an accepted order is not done: 202")
	assert.NoError(t, remote.Wait(ctx, 1), "a fulfilled order answers 303 See Other")

	_, err = remote.Place(ctx, Order{ID: 2})
	assert.ErrorIs(t, err, ErrRefused, "a full service answers 503")
	_, err = remote.Place(ctx, Order{ID: 3})
	assert.ErrorIs(t, err, context.DeadlineExceeded, "a caller's deadline passed on the server answers 504")
	r, err = remote.Place(ctx, Order{ID: 4})
	require.NoError(t, err)
	assert.True(t, r.Done, "the synchronous answer is the result: 200")

	assert.ErrorIs(t, remote.Wait(ctx, 5), ErrDropped, "a dropped order says so")
	assert.ErrorIs(t, remote.Wait(ctx, 6), ErrUnknown, "an unknown order answers 404")
	short, cancelShort := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancelShort()
	assert.ErrorIs(t, remote.Wait(short, 7), context.DeadlineExceeded, "a pending order stays pending until the caller's deadline")
}

func TestAnAcceptedOrderGets202WithALocationAndABadBody400(t *testing.T) {
	defer goleak.VerifyNone(t)
	srv := httptest.NewServer(Handler(scripted{}))
	defer srv.Close()
	defer srv.Client().CloseIdleConnections()

	resp, err := srv.Client().Post(srv.URL+"/orders", "application/json", strings.NewReader(`{"id":42,"work":1000}`))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusAccepted, resp.StatusCode)
	assert.Equal(t, "/orders/42", resp.Header.Get("Location"), "202 must say where the result will be")
	assert.NotEmpty(t, resp.Header.Get("Retry-After"), "202 should say when to ask")

	resp, err = srv.Client().Post(srv.URL+"/orders", "application/json", strings.NewReader(`not an order`))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "a bad body is refused at once, synchronously")
}
