// One shared clock for relative times ("3 minutes ago"), ticking slowly enough that nothing
// re-renders more than twice a minute.
class Clock {
  now = $state(Date.now());

  constructor() {
    setInterval(() => {
      this.now = Date.now();
    }, 30_000);
  }
}

export const clock = new Clock();
