package bench

import (
	"context"
	"fmt"

	"github.com/porchlight/porchlight/bot"
)

// AddMembers makes every resident of every house a member directly through
// the store, many houses to a transaction: a quick way to a world of many
// houses with no history, where Join's two events a resident would take
// minutes for 10,000 houses.
func (w *World) AddMembers(ctx context.Context) error {
	const housesPerTx = 500
	now := w.Clock.Now()
	for from := 0; from < len(w.Houses); from += housesPerTx {
		err := w.DB.Update(ctx, func(tx bot.Tx) error {
			for i := from; i < min(from+housesPerTx, len(w.Houses)); i++ {
				for j := range w.Spec.Residents {
					u := Resident(i, j)
					m := &bot.Member{HouseID: w.Houses[i].ID, Platform: Platform, UserID: u.ID, Name: u.Name,
						Status: bot.MemberActive, JoinedAt: now, ConsentAt: now}
					if err := tx.SaveMember(ctx, m); err != nil {
						return fmt.Errorf("add member %s: %w", u.ID, err)
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// MemberIDs returns the member id of resident j of house i, as [i][j].
func (w *World) MemberIDs(ctx context.Context) ([][]int64, error) {
	out := make([][]int64, len(w.Houses))
	err := w.DB.View(ctx, func(tx bot.Tx) error {
		for i, h := range w.Houses {
			out[i] = make([]int64, w.Spec.Residents)
			for j := range out[i] {
				m, err := tx.MemberByUser(ctx, h.ID, Resident(i, j).ID)
				if err != nil {
					return fmt.Errorf("member %s: %w", Resident(i, j).ID, err)
				}
				out[i][j] = m.ID
			}
		}
		return nil
	})
	return out, err
}
